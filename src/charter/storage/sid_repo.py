"""A base for repositories of tables keyed by a SID: find, add, update, delete and pages.

Each subclass names its row class and says how a row becomes a domain value (`to_domain`) and
back (`values`); everything else is the same for keys, numbers, messages, calls and recordings.
Reads select the table's columns (Core rows, which have the row class's attribute names), not ORM
entities: nothing is loaded into the session's identity map, and mapping costs less.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from charter.domain.errors import InvalidParameter
from charter.domain.paging import Page, PageRequest


async def paginate(
    session: AsyncSession,
    query: Select[Any],
    table: Any,
    page: PageRequest,
    newest_first: bool = False,
    core_rows: bool = False,
) -> tuple[list[Any], bool, bool]:
    """Rows of `page` in insertion order (or newest first), and whether rows exist after and
    before them. Cursors name the SID of the row next to the page. With `core_rows`, the rows
    are the table's columns rather than entities."""

    async def fetch(q: Select[Any]) -> list[Any]:
        if core_rows:
            return list((await session.execute(q)).all())
        return list(await session.scalars(q))

    forward = table.seq.desc() if newest_first else table.seq
    backward = table.seq if newest_first else table.seq.desc()
    if page.cursor_sid is None:
        rows = await fetch(query.order_by(forward).offset(page.offset).limit(page.size + 1))
        return rows[: page.size], len(rows) > page.size, page.offset > 0
    # The cursor row must be one the query could return: a SID from another tenant is as
    # invalid as an unknown one.
    cursor = await session.scalar(
        query.with_only_columns(table.seq).where(table.sid == page.cursor_sid)
    )
    if cursor is None:
        raise InvalidParameter("Invalid PageToken")
    beyond = table.seq < cursor if newest_first else table.seq > cursor
    behind = table.seq > cursor if newest_first else table.seq < cursor
    if page.direction == "after":
        rows = await fetch(query.where(beyond).order_by(forward).limit(page.size + 1))
        return rows[: page.size], len(rows) > page.size, True
    rows = await fetch(query.where(behind).order_by(backward).limit(page.size + 1))
    has_prev = len(rows) > page.size
    return list(reversed(rows[: page.size])), True, has_prev


class HasSid(Protocol):
    @property
    def sid(self) -> str: ...


ModelT = TypeVar("ModelT", bound=HasSid)


class SidRepo(ABC, Generic[ModelT]):
    row: ClassVar[Any]  # the declarative row class: it has `sid` and `seq` columns

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @abstractmethod
    def to_domain(self, row: Any) -> ModelT: ...

    @abstractmethod
    def values(self, model: ModelT) -> dict[str, object]: ...

    def update_values(self, model: ModelT) -> dict[str, object]:
        """What `update` writes: `values` unless a column must only move by its own statement."""
        return self.values(model)

    async def find(self, sid: str) -> ModelT | None:
        table = self.row.__table__
        found = (await self._session.execute(select(table).where(table.c.sid == sid))).first()
        return None if found is None else self.to_domain(found)

    async def add(self, model: ModelT) -> None:
        self._session.add(self.row(sid=model.sid, **self.values(model)))
        await self._session.flush()

    async def update(self, model: ModelT, if_status: str | None = None) -> bool:
        """Write `model` over its row; with `if_status`, only while the stored status is that
        (a compare-and-set). True when the row was written."""
        query = update(self.row).where(self.row.sid == model.sid)
        if if_status is not None:
            query = query.where(self.row.status == if_status)
        result = await self._session.execute(query.values(**self.update_values(model)))
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def delete(self, sid: str) -> None:
        await self._session.execute(delete(self.row).where(self.row.sid == sid))

    async def page(
        self, query: Select[Any], request: PageRequest, newest_first: bool = False
    ) -> Page[ModelT]:
        rows, has_next, has_prev = await paginate(
            self._session,
            query.with_only_columns(self.row.__table__),
            self.row,
            request,
            newest_first,
            core_rows=True,
        )
        return Page([self.to_domain(r) for r in rows], has_next, has_prev)
