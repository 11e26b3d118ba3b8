"""Call and recording use cases: place (charged, with status callbacks queued), list, fetch, end
early or cancel (refunded), redirect, delete; list, fetch and delete recordings.

The simulation itself (timeline, durations, prices) is `charter.domain.voice`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from charter.domain import voice as rules
from charter.domain.billing import minutes
from charter.domain.clock import Clock
from charter.domain.errors import InvalidParameter, NotFound
from charter.domain.ids import new_sid
from charter.domain.models import Account, Principal
from charter.domain.ownership import owned
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import CallFilter, RecordingFilter, UnitOfWork, UnitOfWorkFactory
from charter.domain.voice import Call, CallError, Instructions, Recording
from charter.services.billing import BillingService
from charter.services.numbers import sender_number

NOT_IN_PROGRESS = "Call is not in-progress. Cannot redirect."
NOT_COMPLETE = "Cannot delete this resource before it is complete"


@dataclass(frozen=True, slots=True)
class CallRequest:
    """A new call's parameters, as the client gave them."""

    to: str
    from_: str
    url: str | None = None
    method: str | None = None
    twiml: str | None = None
    application_sid: str | None = None
    status_callback: str | None = None
    status_callback_method: str | None = None
    status_callback_events: list[str] = field(default_factory=list)
    record: bool = False
    time_limit: int | None = None


class CallService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        billing: BillingService,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._billing = billing

    async def create(self, principal: Principal, account: Account, r: CallRequest) -> Call:
        """Place a call from one of `account`'s numbers, charged for its planned duration (and
        its recording's, with `record`), with its status callbacks queued.

        The call, its recording, the charges and the callbacks commit together, or nothing is
        written (`InsufficientFunds` when the balance does not cover the charges).
        """
        rules.check_call(r.to, r.from_, r.url, r.twiml, r.application_sid)
        instructions = Instructions(
            url=r.url,
            method=rules.check_method(r.method, "Method"),
            twiml=r.twiml,
            application_sid=r.application_sid,
            status_callback_method=rules.check_method(
                r.status_callback_method, "StatusCallbackMethod"
            ),
            status_callback_events=rules.check_events(r.status_callback_events),
        )
        callback = r.status_callback
        if callback is not None and not callback.startswith(("http://", "https://")):
            raise InvalidParameter("StatusCallback must be an http(s) URL")
        planned = rules.planned_duration(r.time_limit)
        actor = principal.credential_id
        async with self._uow() as uow:
            number = await sender_number(uow, account, r.from_)
            if number is None:
                raise CallError(
                    21210,
                    f"The source phone number provided, {r.from_}, is not yet verified for your "
                    "account. You may only make calls from phone numbers that you've verified or "
                    "purchased from Twilio.",
                )
            prices, now = self._billing.prices, self._clock.now()
            call = Call(
                sid=new_sid("CA"),
                account_sid=account.sid,
                to=r.to,
                from_=r.from_,
                phone_number_sid=number.sid,
                status="queued",
                planned_duration=planned,
                ended_at=now + rules.ANSWERED_AFTER + timedelta(seconds=planned),
                price_units=rules.price(planned, prices.call_minute),
                instructions=instructions,
                status_callback=callback,
                record=r.record,
                date_created=now,
                date_updated=now,
            )
            await uow.calls.add(call)
            await uow.ledger.charge(
                self._billing.entry(
                    account, "calls", call.price_units or 0, minutes(planned), call.sid, actor,
                    f"Call to {call.to}",
                )
            )  # fmt: skip
            if r.record:
                started = rules.answered_at(call)
                recording = Recording(
                    sid=new_sid("RE"),
                    account_sid=account.sid,
                    call_sid=call.sid,
                    planned_duration=planned,
                    price_units=rules.price(planned, prices.recording_minute),
                    deleted=False,
                    date_created=started,
                    date_updated=started,
                )
                await uow.recordings.add(recording)
                await uow.ledger.charge(
                    self._billing.entry(
                        account, "recordings", recording.price_units or 0, minutes(planned),
                        recording.sid, actor, f"Recording of call {call.sid}",
                    )
                )  # fmt: skip
            if callback is not None:
                for _, at, status in rules.callback_times(call):
                    await uow.outbox.enqueue(
                        "call.status", account.sid, callback,
                        instructions.status_callback_method,
                        _callback_params(call, status, at), at, call.sid,
                    )  # fmt: skip
            await uow.commit()
        return call

    async def get(self, account: Account, sid: str) -> Call:
        async with self._uow.read() as uow:
            call = await uow.calls.find(sid)
        return owned(call, account.sid, "Call", sid)

    async def list_calls(self, where: CallFilter, page: PageRequest) -> Page[Call]:
        async with self._uow.read() as uow:
            return await uow.calls.list_page(where, page)

    async def update(
        self,
        principal: Principal,
        account: Account,
        sid: str,
        status: str | None,
        url: str | None,
        method: str | None,
        twiml: str | None,
    ) -> Call:
        """End an in-progress call (`completed`, refunding unused minutes), cancel a queued or
        ringing one (`canceled` or `completed`, refunded in full), or redirect it (`Url` or
        `Twiml`, stored only). A call that has ended cannot change (21220)."""
        if status is not None and status not in ("canceled", "completed"):
            raise InvalidParameter("Status can only be updated to canceled or completed")
        if url is not None and twiml is not None:
            raise InvalidParameter("Only one of 'Url' or 'Twiml' may be given")
        if url is not None:
            rules.check_url(url)
        call = await self.get(account, sid)
        if status is None and url is None and twiml is None and method is None:
            return call
        now = self._clock.now()
        current = rules.status_at(call, now)
        if current in rules.FINAL:
            raise CallError(21220, NOT_IN_PROGRESS)
        instructions = _redirect(call.instructions, url, method, twiml)
        updated = dataclasses.replace(call, instructions=instructions, date_updated=now)
        action = None
        if status == "completed" and current == "in-progress":
            action = "completed"
            actual = rules.seconds_between(rules.answered_at(call), now)
            price = rules.price(actual, self._billing.prices.call_minute)
            updated = dataclasses.replace(
                updated, status="completed", ended_at=now, price_units=price
            )
        elif status is not None and current in ("queued", "ringing"):
            action = "canceled"
            updated = dataclasses.replace(updated, status="canceled", ended_at=None, price_units=0)
        # Status=canceled leaves an in-progress call alone, as on Twilio.
        async with self._uow() as uow:
            if not await uow.calls.update(updated, if_status=call.status):
                raise CallError(21220, NOT_IN_PROGRESS)  # it changed meanwhile
            if action is not None:
                await self._settle(uow, principal, account, call, updated, now)
            await uow.commit()
        return updated

    async def _settle(
        self,
        uow: UnitOfWork,
        principal: Principal,
        account: Account,
        old: Call,
        new: Call,
        now: datetime,
    ) -> None:
        """Refund what an early end or a cancel leaves unused, and replace future callbacks."""
        canceled = new.status == "canceled"
        actor = principal.credential_id
        refund = (old.price_units or 0) - (new.price_units or 0)
        if refund > 0:
            await uow.ledger.credit(
                self._billing.entry(
                    account, "calls", refund, 0, old.sid, actor,
                    "Canceled call refund" if canceled else "Unused call minutes refund",
                )
            )  # fmt: skip
        for recording in await uow.recordings.for_call(old.sid):
            if recording.deleted:
                continue
            if canceled:
                changed = dataclasses.replace(recording, deleted=True, price_units=0)
            else:
                actual = rules.seconds_between(recording.date_created, now)
                price = rules.price(actual, self._billing.prices.recording_minute)
                changed = dataclasses.replace(recording, planned_duration=actual, price_units=price)
            await uow.recordings.update(dataclasses.replace(changed, date_updated=now))
            refund = (recording.price_units or 0) - (changed.price_units or 0)
            if refund > 0:
                await uow.ledger.credit(
                    self._billing.entry(
                        account, "recordings", refund, 0, recording.sid, actor,
                        "Canceled recording refund" if canceled else "Unused recording refund",
                    )
                )  # fmt: skip
        if new.status_callback is not None:
            await uow.outbox.discard_pending(old.sid, "call.status", after=now)
            if "completed" in new.instructions.status_callback_events:
                await uow.outbox.enqueue(
                    "call.status", new.account_sid, new.status_callback,
                    new.instructions.status_callback_method,
                    _callback_params(new, new.status, now), now, new.sid,
                )  # fmt: skip

    async def delete(self, account: Account, sid: str) -> None:
        """Delete a call that has ended (20009 otherwise); its recordings stay."""
        call = await self.get(account, sid)
        if rules.status_at(call, self._clock.now()) not in rules.FINAL:
            raise CallError(20009, NOT_COMPLETE)
        async with self._uow() as uow:
            await uow.calls.delete(call.sid)
            await uow.commit()


class RecordingService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def get(self, account: Account, sid: str, call_sid: str | None = None) -> Recording:
        """A recording that exists now (its call answered, not deleted), of `call_sid` if given."""
        async with self._uow.read() as uow:
            recording = await uow.recordings.find(sid)
        if (
            recording is None
            or recording.account_sid != account.sid
            or recording.deleted
            or recording.date_created > self._clock.now()
            or (call_sid is not None and recording.call_sid != call_sid)
        ):
            raise NotFound(f"The requested resource Recording {sid} was not found")
        return recording

    async def list_recordings(
        self, account: Account, where: RecordingFilter, page: PageRequest
    ) -> Page[Recording]:
        """Recordings, newest first; with `where.call_sid`, that call must be the account's."""
        async with self._uow.read() as uow:
            if where.call_sid is not None:
                call = await uow.calls.find(where.call_sid)
                owned(call, account.sid, "Call", where.call_sid)
            return await uow.recordings.list_page(where, page)

    async def delete(self, account: Account, sid: str) -> None:
        """Soft-delete a completed recording (20009 while it is still recording)."""
        recording = await self.get(account, sid)
        now = self._clock.now()
        if rules.recording_status(recording, now) != "completed":
            raise CallError(20009, NOT_COMPLETE)
        async with self._uow() as uow:
            await uow.recordings.update(
                dataclasses.replace(recording, deleted=True, date_updated=now)
            )
            await uow.commit()


def _redirect(
    current: Instructions, url: str | None, method: str | None, twiml: str | None
) -> Instructions:
    """New instructions for a live call: `Url` (with `Method`) or `Twiml` replace the old ones."""
    method = rules.check_method(method, "Method") if method is not None else current.method
    if url is not None:
        return dataclasses.replace(current, url=url, method=method, twiml=None,
                                   application_sid=None)  # fmt: skip
    if twiml is not None:
        return dataclasses.replace(current, url=None, twiml=twiml, application_sid=None)
    return dataclasses.replace(current, method=method)


def _callback_params(call: Call, status: str, at: datetime) -> dict[str, str]:
    params = {
        "AccountSid": call.account_sid,
        "ApiVersion": "2010-04-01",
        "CallSid": call.sid,
        "CallStatus": status,
        "Called": call.to,
        "Caller": call.from_,
        "Direction": "outbound-api",
        "From": call.from_,
        "To": call.to,
    }
    if status == "completed":
        seconds = rules.seconds_between(rules.answered_at(call), at)
        params["CallDuration"] = str(seconds)
    elif status == "canceled":
        params["CallDuration"] = "0"
    return params
