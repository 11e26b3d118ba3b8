"""Console sessions: one row per signed-in browser, keyed by the digest of its cookie token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from charter.domain.console import ConsoleSession
from charter.domain.ids import UserSid
from charter.storage.tables import ConsoleSessionRow


class SQLConsoleSessionRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, session: ConsoleSession) -> None:
        self._session.add(
            ConsoleSessionRow(
                token_digest=session.token_digest,
                user_sid=session.user_sid,
                csrf_token=session.csrf_token,
                created_at=session.created_at,
                expires_at=session.expires_at,
            )
        )
        await self._session.flush()

    async def find(self, token_digest: bytes) -> ConsoleSession | None:
        row = await self._session.get(ConsoleSessionRow, token_digest)
        if row is None:
            return None
        return ConsoleSession(
            token_digest=row.token_digest,
            user_sid=UserSid(row.user_sid),
            csrf_token=row.csrf_token,
            created_at=row.created_at,
            expires_at=row.expires_at,
        )

    async def delete(self, token_digest: bytes) -> None:
        await self._session.execute(
            delete(ConsoleSessionRow).where(ConsoleSessionRow.token_digest == token_digest)
        )

    async def delete_expired(self, now: datetime) -> int:
        """Remove sessions that ended before `now`; how many went."""
        result = await self._session.execute(
            delete(ConsoleSessionRow).where(ConsoleSessionRow.expires_at <= now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
