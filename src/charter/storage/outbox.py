"""The outbox: webhooks waiting to be delivered, durable from the moment they are queued."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import insert
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
    ) -> str:
        """Queue one delivery; returns its idempotent event id."""
        event_id = "EV" + uuid.uuid4().hex
        await self._session.execute(
            insert(OutboxRow).values(
                event_id=event_id,
                kind=kind,
                account_sid=account_sid,
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
