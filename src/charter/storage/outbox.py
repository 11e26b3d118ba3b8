"""The outbox: webhooks waiting to be delivered, durable from the moment they are queued, and the
delivery log of every attempt.

Claiming (`claim_due`) is one statement: an `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`
that leases the rows (moves `next_attempt_at` to the lease's end) and counts the attempt. On
PostgreSQL the inner select takes `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint
rows without waiting; SQLite takes its write lock when the statement starts, so claims there are
serialised (and a poll there first looks for a due row with a plain read, so an idle worker takes
no write lock). A worker that dies mid-delivery leaves its rows leased; they come due again when
the lease ends.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Integer, Select, String, Text, delete, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from charter.domain.paging import Page, PageRequest
from charter.domain.webhooks import AttemptResult, PendingWebhook, WebhookAttempt, WebhookDelivery
from charter.storage.sid_repo import paginate
from charter.storage.tables import OutboxRow, UTCDateTime, WebhookAttemptRow

# `paginate` pages any table by a sequence column and a SID column; the outbox calls them these.
_PAGED = SimpleNamespace(seq=OutboxRow.id, sid=OutboxRow.event_id)


class SQLOutbox:
    def __init__(self, session: AsyncSession, now: datetime, is_postgres: bool = False) -> None:
        self._session = session
        self._now = now
        self._is_postgres = is_postgres
        self.enqueued = 0

    async def enqueue(
        self,
        kind: str,
        account_sid: str,
        url: str,
        method: str,
        params: dict[str, str],
        not_before: datetime,
        subject_sid: str | None = None,
    ) -> str:
        """Queue one delivery about `subject_sid`; returns its idempotent event id."""
        event_id = "EV" + uuid.uuid4().hex
        await self._session.execute(
            insert(OutboxRow).values(
                event_id=event_id,
                kind=kind,
                account_sid=account_sid,
                subject_sid=subject_sid,
                url=url,
                method=method,
                params=json.dumps(params, sort_keys=True),
                not_before=not_before,
                attempts=0,
                next_attempt_at=not_before,
                delivered_at=None,
                given_up_at=None,
                last_error=None,
                created_at=self._now,
            )
        )
        self.enqueued += 1
        return event_id

    async def discard_pending(
        self, subject_sid: str, kind: str, after: datetime | None = None
    ) -> None:
        """Drop undelivered events of `kind` about `subject_sid` (they describe a future that
        will not happen, such as a canceled message's delivery); with `after`, only those due
        after that moment (events already due describe what did happen)."""
        query = delete(OutboxRow).where(
            OutboxRow.subject_sid == subject_sid,
            OutboxRow.kind == kind,
            OutboxRow.delivered_at.is_(None),
        )
        if after is not None:
            query = query.where(OutboxRow.not_before > after)
        await self._session.execute(query)

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> Sequence[PendingWebhook]:
        """Up to `limit` due events, oldest due first, leased until `lease_until`."""
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.delivered_at.is_(None),
                OutboxRow.given_up_at.is_(None),
                OutboxRow.next_attempt_at <= now,
            )
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        if self._is_postgres:
            due = due.with_for_update(skip_locked=True)
        elif await self._session.scalar(due.limit(1)) is None:
            return []  # idle: a plain read, so a poll with nothing due takes no write lock
        claimed = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(due.scalar_subquery()))
            .values(next_attempt_at=lease_until, attempts=OutboxRow.attempts + 1)
            .returning(
                OutboxRow.id, OutboxRow.event_id, OutboxRow.kind, OutboxRow.account_sid,
                OutboxRow.url, OutboxRow.method, OutboxRow.params, OutboxRow.not_before,
                OutboxRow.attempts,
            )
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        events = [
            PendingWebhook(
                id=r.id, event_id=r.event_id, kind=r.kind, account_sid=r.account_sid, url=r.url,
                method=r.method, params=json.loads(r.params), not_before=r.not_before,
                attempt=r.attempts,
            )
            for r in claimed
        ]  # fmt: skip
        return sorted(events, key=lambda e: e.id)

    async def record_attempt(
        self,
        event: PendingWebhook,
        result: AttemptResult,
        attempted_at: datetime,
        retry_at: datetime | None,
    ) -> None:
        """Log the attempt and record its outcome (see `charter.domain.ports.Outbox`).

        A success marks the event delivered even if its lease has passed to another worker
        (delivery is at least once). A failure reschedules only while this attempt is the
        latest claim, so a worker whose lease ran out cannot move a newer attempt's schedule.
        """
        query = update(OutboxRow).where(OutboxRow.id == event.id, OutboxRow.delivered_at.is_(None))
        if result.delivered:
            query = query.values(delivered_at=attempted_at, last_error=None)
        else:
            query = query.where(OutboxRow.attempts == event.attempt).values(
                last_error=result.summary,
                next_attempt_at=retry_at if retry_at is not None else attempted_at,
                given_up_at=None if retry_at is not None else attempted_at,
            )
        # First statement of the transaction: on SQLite it takes the write lock, so the row
        # cannot be deleted between here and the log insert below.
        await self._session.execute(query.execution_options(synchronize_session=False))
        source = select(
            OutboxRow.id,
            OutboxRow.account_sid,
            literal(event.attempt, Integer()),
            literal(event.url, Text()),
            literal(event.method, String(8)),
            literal(result.status_code, Integer()),
            literal(result.error, Text()),
            literal(result.duration_ms, Integer()),
            literal(attempted_at, UTCDateTime()),
        ).where(OutboxRow.id == event.id)
        if self._is_postgres:  # the row may be discarded concurrently: hold it while logging
            source = source.with_for_update(read=True, key_share=True)
        await self._session.execute(
            insert(WebhookAttemptRow).from_select(
                [
                    "outbox_id", "account_sid", "attempt", "url", "method", "status_code",
                    "error", "duration_ms", "attempted_at",
                ],
                source,
            )
        )  # fmt: skip

    async def list_deliveries(
        self, account_sid: str, now: datetime, page: PageRequest
    ) -> Page[WebhookDelivery]:
        """`account_sid`'s events that have happened by `now` (status callbacks of a simulated
        future are not shown before their moment), newest first."""
        query: Select[Any] = select(OutboxRow).where(
            OutboxRow.account_sid == account_sid, OutboxRow.not_before <= now
        )
        rows, has_next, has_prev = await paginate(
            self._session, query, _PAGED, page, newest_first=True
        )
        attempts = await self._attempts([r.id for r in rows])
        return Page([_delivery(r, attempts.get(r.id, [])) for r in rows], has_next, has_prev)

    async def find_delivery(self, event_id: str) -> WebhookDelivery | None:
        row = await self._session.scalar(select(OutboxRow).where(OutboxRow.event_id == event_id))
        if row is None:
            return None
        attempts = await self._attempts([row.id])
        return _delivery(row, attempts.get(row.id, []))

    async def _attempts(self, outbox_ids: list[int]) -> dict[int, list[WebhookAttempt]]:
        if not outbox_ids:
            return {}
        rows = await self._session.scalars(
            select(WebhookAttemptRow)
            .where(WebhookAttemptRow.outbox_id.in_(outbox_ids))
            .order_by(WebhookAttemptRow.outbox_id, WebhookAttemptRow.attempt)
        )
        found: dict[int, list[WebhookAttempt]] = {}
        for a in rows:
            found.setdefault(a.outbox_id, []).append(
                WebhookAttempt(
                    a.attempt, a.url, a.method, a.status_code, a.error, a.duration_ms,
                    a.attempted_at,
                )
            )  # fmt: skip
        return found


def _delivery(row: OutboxRow, attempts: list[WebhookAttempt]) -> WebhookDelivery:
    done = row.delivered_at is not None or row.given_up_at is not None
    return WebhookDelivery(
        sid=row.event_id,
        kind=row.kind,
        account_sid=row.account_sid,
        subject_sid=row.subject_sid,
        url=row.url,
        method=row.method,
        params=json.loads(row.params),
        attempt_count=row.attempts,
        last_error=row.last_error,
        next_attempt_at=None if done else row.next_attempt_at,
        delivered_at=row.delivered_at,
        given_up_at=row.given_up_at,
        date_created=row.not_before,
        attempts=tuple(attempts),
    )
