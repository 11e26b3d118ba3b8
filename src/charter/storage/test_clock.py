"""The test clock's shared offset (development only): one row, read by every instance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from charter.storage.tables import TestClockRow

_ROW = 1


class SQLTestClockStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def offset(self) -> float:
        value = await self._session.scalar(select(TestClockRow.offset_seconds))
        return float(value or 0.0)

    async def advance(self, seconds: float, now: datetime, limit: float) -> float | None:
        """Add `seconds` to the offset and return the new offset, or None (nothing changed) if it
        would pass `limit`.

        One conditional UPDATE adds in the database, holding the row's lock until commit, so
        advances made at the same time by several instances all count.
        """
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await self._session.execute(
            insert(TestClockRow)
            .values(id=_ROW, offset_seconds=0.0, updated_at=now)
            .on_conflict_do_nothing(index_elements=[TestClockRow.id])
        )
        total = TestClockRow.offset_seconds + seconds
        result = await self._session.execute(
            update(TestClockRow)
            .where(TestClockRow.id == _ROW, total <= limit)
            .values(offset_seconds=total, updated_at=now)
            .returning(TestClockRow.offset_seconds)
            .execution_options(synchronize_session=False)
        )
        value = result.scalar_one_or_none()
        return None if value is None else float(value)
