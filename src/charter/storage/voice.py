"""SQL repositories for the simulated voice resources: calls and their recordings.

A call's `instructions` column holds what it runs and how it reports back (`Url`, `Method`,
`Twiml`, `ApplicationSid`, `StatusCallbackMethod`, `StatusCallbackEvent`) as one JSON object.
Status filters are decided in SQL from the stored status, `date_created` and `ended_at`, the same
way `charter.domain.voice.status_at` decides them, so paging stays exact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, false, select

from charter.domain.paging import Page, PageRequest
from charter.domain.ports import CallFilter, RecordingFilter
from charter.domain.voice import ANSWERED_AFTER, RINGING_AFTER, Call, Instructions, Recording
from charter.storage.sid_repo import SidRepo
from charter.storage.tables import CallRow, RecordingRow


def _instructions_json(i: Instructions) -> str:
    return json.dumps(
        {
            "url": i.url,
            "method": i.method,
            "twiml": i.twiml,
            "application_sid": i.application_sid,
            "status_callback_method": i.status_callback_method,
            "status_callback_events": list(i.status_callback_events),
        },
        sort_keys=True,
    )


def _instructions(raw: str) -> Instructions:
    d: dict[str, Any] = json.loads(raw)
    return Instructions(
        url=d["url"],
        method=d["method"],
        twiml=d["twiml"],
        application_sid=d["application_sid"],
        status_callback_method=d["status_callback_method"],
        status_callback_events=tuple(d["status_callback_events"]),
    )


def _status_condition(where: CallFilter) -> ColumnElement[bool]:
    """Rows whose timeline status at `where.now` is `where.status` (see `domain.voice`)."""
    now, status = where.now, where.status
    if status == "canceled":
        return CallRow.status == "canceled"
    live = and_(CallRow.status != "canceled", CallRow.ended_at > now)
    if status == "queued":
        return and_(live, CallRow.date_created > now - RINGING_AFTER)
    if status == "ringing":
        return and_(
            live,
            CallRow.date_created <= now - RINGING_AFTER,
            CallRow.date_created > now - ANSWERED_AFTER,
        )
    if status == "in-progress":
        return and_(live, CallRow.date_created <= now - ANSWERED_AFTER)
    if status == "completed":
        return and_(CallRow.status != "canceled", CallRow.ended_at <= now)
    return false()  # busy, failed, no-answer: the simulation never produces them


class SQLCallRepo(SidRepo[Call]):
    row = CallRow

    def to_domain(self, row: CallRow) -> Call:
        return Call(
            sid=row.sid,
            account_sid=row.account_sid,
            to=row.to_number,
            from_=row.from_number,
            phone_number_sid=row.phone_number_sid,
            status=row.status,
            planned_duration=row.planned_duration,
            ended_at=row.ended_at,
            price_units=row.price_units,
            instructions=_instructions(row.instructions),
            status_callback=row.status_callback,
            record=row.record,
            date_created=row.date_created,
            date_updated=row.date_updated,
        )

    def values(self, c: Call) -> dict[str, object]:
        return {
            "account_sid": c.account_sid,
            "to_number": c.to,
            "from_number": c.from_,
            "phone_number_sid": c.phone_number_sid,
            "status": c.status,
            "planned_duration": c.planned_duration,
            "ended_at": c.ended_at,
            "price_units": c.price_units,
            "instructions": _instructions_json(c.instructions),
            "status_callback": c.status_callback,
            "record": c.record,
            "date_created": c.date_created,
            "date_updated": c.date_updated,
        }

    async def list_page(self, where: CallFilter, page: PageRequest) -> Page[Call]:
        query = select(CallRow).where(CallRow.account_sid == where.account_sid)
        if where.to is not None:
            query = query.where(CallRow.to_number == where.to)
        if where.from_ is not None:
            query = query.where(CallRow.from_number == where.from_)
        if where.parent_call_sid is not None:
            query = query.where(false())
        if where.status is not None:
            query = query.where(_status_condition(where))
        now = where.now
        # start_time is date_created + ANSWERED_AFTER, once reached; end_time is ended_at, once
        # reached; canceled calls have neither.
        if where.started_after is not None or where.started_before is not None:
            query = query.where(
                CallRow.status != "canceled", CallRow.date_created <= now - ANSWERED_AFTER
            )
        if where.started_after is not None:
            query = query.where(CallRow.date_created >= where.started_after - ANSWERED_AFTER)
        if where.started_before is not None:
            query = query.where(CallRow.date_created < where.started_before - ANSWERED_AFTER)
        if where.ended_after is not None or where.ended_before is not None:
            query = query.where(CallRow.status != "canceled", CallRow.ended_at <= now)
        if where.ended_after is not None:
            query = query.where(CallRow.ended_at >= where.ended_after)
        if where.ended_before is not None:
            query = query.where(CallRow.ended_at < where.ended_before)
        return await self.page(query, page, newest_first=True)


class SQLRecordingRepo(SidRepo[Recording]):
    row = RecordingRow

    def to_domain(self, row: RecordingRow) -> Recording:
        return Recording(
            sid=row.sid,
            account_sid=row.account_sid,
            call_sid=row.call_sid,
            planned_duration=row.planned_duration,
            price_units=row.price_units,
            deleted=row.deleted,
            date_created=row.date_created,
            date_updated=row.date_updated,
        )

    def values(self, r: Recording) -> dict[str, object]:
        return {
            "account_sid": r.account_sid,
            "call_sid": r.call_sid,
            "planned_duration": r.planned_duration,
            "price_units": r.price_units,
            "deleted": r.deleted,
            "date_created": r.date_created,
            "date_updated": r.date_updated,
        }

    async def for_call(self, call_sid: str) -> Sequence[Recording]:
        rows = await self._session.scalars(
            select(RecordingRow).where(RecordingRow.call_sid == call_sid).order_by(RecordingRow.seq)
        )
        return [self.to_domain(r) for r in rows]

    async def list_page(self, where: RecordingFilter, page: PageRequest) -> Page[Recording]:
        query = select(RecordingRow).where(
            RecordingRow.account_sid == where.account_sid,
            RecordingRow.deleted.is_(False),
            RecordingRow.date_created <= where.now,
        )
        if where.call_sid is not None:
            query = query.where(RecordingRow.call_sid == where.call_sid)
        if where.created_after is not None:
            query = query.where(RecordingRow.date_created >= where.created_after)
        if where.created_before is not None:
            query = query.where(RecordingRow.date_created < where.created_before)
        return await self.page(query, page, newest_first=True)
