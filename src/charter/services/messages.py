"""Message use cases: send (charged, with status callbacks queued), list, fetch, redact, delete."""

from __future__ import annotations

import dataclasses

from charter.domain import messaging as rules
from charter.domain.clock import Clock
from charter.domain.errors import InvalidParameter
from charter.domain.ids import new_sid
from charter.domain.messaging import Message, MessageError
from charter.domain.models import Account, Principal
from charter.domain.ownership import owned
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import MessageFilter, UnitOfWorkFactory
from charter.services.billing import BillingService
from charter.services.numbers import sender_number


class MessageService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        billing: BillingService,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._billing = billing

    async def send(
        self,
        principal: Principal,
        account: Account,
        to: str,
        from_: str | None,
        body: str | None,
        media: list[str],
        status_callback: str | None,
    ) -> Message:
        """Accept a message from one of `account`'s numbers, charge it and queue its callbacks.

        The charge, the message and its callbacks commit together, or nothing is written.
        """
        rules.check_message(to, from_, body, media)
        assert from_ is not None  # noqa: S101 - check_message requires it
        if status_callback is not None and not status_callback.startswith(("http://", "https://")):
            raise InvalidParameter("StatusCallback must be an http(s) URL")
        count, _ = rules.segments(body or "")
        prices = self._billing.prices
        is_mms = bool(media)
        price = prices.mms_message if is_mms else count * prices.sms_segment
        now = self._clock.now()
        message = Message(
            sid=new_sid("MM" if is_mms else "SM"),
            account_sid=account.sid,
            from_=from_,
            to=to,
            body=body or "",
            num_segments=max(count, 1),
            media_urls=tuple(media),
            status="queued",
            price_units=price,
            status_callback=status_callback,
            date_created=now,
            date_updated=now,
        )
        category, quantity = ("mms", 1) if is_mms else ("sms", message.num_segments)
        async with self._uow() as uow:
            if await sender_number(uow, account, from_) is None:
                raise MessageError(
                    21606,
                    f"The From phone number {from_} is not a valid, SMS-capable inbound phone "
                    "number or short code for your account.",
                )
            await uow.messages.add(message)
            await uow.ledger.charge(
                self._billing.entry(
                    account, category, price, quantity, message.sid, principal.credential_id,
                    f"Message to {to}",
                )
            )  # fmt: skip
            if status_callback is not None:
                for at, status in rules.status_changes(message):
                    await uow.outbox.enqueue(
                        "message.status", account.sid, status_callback, "POST",
                        _callback_params(message, status), at, message.sid,
                    )  # fmt: skip
            await uow.commit()
        return message

    async def get(self, account: Account, sid: str) -> Message:
        async with self._uow.read() as uow:
            message = await uow.messages.find(sid)
        return owned(message, account.sid, "Message", sid)

    async def list_messages(self, where: MessageFilter, page: PageRequest) -> Page[Message]:
        async with self._uow.read() as uow:
            return await uow.messages.list_page(where, page)

    async def update(
        self, account: Account, sid: str, body: str | None, status: str | None
    ) -> Message:
        """Redact (`Body=""`) or cancel (`Status=canceled`, only while queued)."""
        message = await self.get(account, sid)
        now = self._clock.now()
        changes: dict[str, object] = {}
        if body is not None:
            if body != "":
                raise InvalidParameter("Body can only be updated to an empty string (redaction)")
            changes["body"] = ""
        if status is not None:
            if status != "canceled":
                raise InvalidParameter("Status can only be updated to canceled")
            if rules.status_at(message, now) != "queued":
                raise MessageError(30409, "Message cannot be canceled: it is no longer queued")
            changes["status"] = "canceled"
        if not changes:
            return message
        updated = dataclasses.replace(message, date_updated=now, **changes)  # type: ignore[arg-type]
        async with self._uow() as uow:
            await uow.messages.update(updated)
            if status == "canceled":
                await uow.outbox.discard_pending(message.sid, "message.status")
            if status == "canceled" and message.price_units:
                await uow.ledger.credit(
                    self._billing.entry(
                        account, "sms" if message.sid.startswith("SM") else "mms",
                        message.price_units, 0, message.sid, "system", "Canceled message refund",
                    )
                )  # fmt: skip
            await uow.commit()
        return updated

    async def delete(self, account: Account, sid: str) -> None:
        message = await self.get(account, sid)
        if rules.status_at(message, self._clock.now()) in ("queued", "sending"):
            raise MessageError(20009, "Cannot delete a message that is still being sent")
        async with self._uow() as uow:
            await uow.messages.delete(message.sid)
            await uow.commit()


def _callback_params(message: Message, status: str) -> dict[str, str]:
    return {
        "AccountSid": message.account_sid,
        "ApiVersion": "2010-04-01",
        "From": message.from_,
        "MessageSid": message.sid,
        "MessageStatus": status,
        "SmsSid": message.sid,
        "SmsStatus": status,
        "To": message.to,
    }
