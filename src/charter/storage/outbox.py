"""The outbox: webhooks waiting to be delivered, durable from the moment they are queued."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from charter.storage.tables import OutboxRow


class SQLOutbox:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self._session = session
        self._now = now

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
                last_error=None,
                created_at=self._now,
            )
        )
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
