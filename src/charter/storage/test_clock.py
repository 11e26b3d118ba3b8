"""The test clock's shared offset (development only): one row, read by every instance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charter.storage.tables import TestClockRow


class SQLTestClockStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def offset(self) -> float:
        value = await self._session.scalar(select(TestClockRow.offset_seconds))
        return float(value or 0.0)

    async def set_offset(self, seconds: float, now: datetime) -> None:
        row = await self._session.get(TestClockRow, 1)
        if row is None:
            self._session.add(TestClockRow(id=1, offset_seconds=seconds, updated_at=now))
        else:
            row.offset_seconds = seconds
            row.updated_at = now
        await self._session.flush()
