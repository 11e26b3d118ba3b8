"""Read-only units of work (decision 0008): they see committed writes at once, cannot write, and
their pool survives the server dropping its connections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from charter.domain.clock import FixedClock
from charter.domain.messaging import Message
from charter.domain.paging import PageRequest
from charter.domain.ports import MessageFilter
from charter.security import Cipher
from charter.storage.engine import make_engine, make_read_engine
from charter.storage.unit_of_work import ReadOnlyUnitOfWork, SQLUnitOfWorkFactory

pytestmark = pytest.mark.anyio

ACCOUNT = "AC" + "1" * 32


@pytest.fixture
async def uow(database_url: str, clock: FixedClock) -> AsyncIterator[SQLUnitOfWorkFactory]:
    factory = SQLUnitOfWorkFactory(
        make_engine(database_url),
        Cipher(bytes(range(32))),
        clock,
        read_engine=make_read_engine(database_url),
    )
    yield factory
    await factory.dispose()


def message(clock: FixedClock, n: int) -> Message:
    now = clock.now()
    return Message(
        sid=f"SM{n:032d}",
        account_sid=ACCOUNT,
        from_="+15005550006",
        to="+15005550001",
        body=f"hello {n}",
        num_segments=1,
        media_urls=(),
        status="queued",
        price_units=None,
        status_callback=None,
        date_created=now,
        date_updated=now,
    )


async def add(uow: SQLUnitOfWorkFactory, m: Message) -> None:
    async with uow() as tx:
        await tx.messages.add(m)
        await tx.commit()


async def test_a_separate_autocommit_engine(uow: SQLUnitOfWorkFactory, database_url: str) -> None:
    assert uow.read_engine is not None
    assert uow.read_engine is not uow.engine
    if not database_url.startswith("postgresql"):
        return  # SQLite: the next test shows there is no snapshot
    async with uow.read_engine.connect() as conn:
        stamps = []
        for _ in range(2):
            stamps.append((await conn.execute(text("SELECT transaction_timestamp()"))).scalar())
            await asyncio.sleep(0.01)
        assert stamps[0] != stamps[1]  # each statement is its own transaction


async def test_reads_see_committed_writes_at_once(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    where = MessageFilter(ACCOUNT)
    async with uow.read() as reader:
        assert (await reader.messages.list_page(where, PageRequest(10))).items == []
        await add(uow, message(clock, 1))
        # The same read unit of work, no new transaction: the next statement sees the commit.
        page = await reader.messages.list_page(where, PageRequest(10))
        assert [m.sid for m in page.items] == [message(clock, 1).sid]
        assert await reader.messages.find(message(clock, 1).sid) == message(clock, 1)
    await add(uow, message(clock, 2))
    async with uow.read() as reader:
        page = await reader.messages.list_page(where, PageRequest(1))
        assert [m.sid for m in page.items] == [message(clock, 2).sid]
        assert page.has_next


async def test_a_read_unit_of_work_cannot_commit(uow: SQLUnitOfWorkFactory) -> None:
    async with uow.read() as reader:
        with pytest.raises(ReadOnlyUnitOfWork):
            await reader.commit()


async def test_the_database_refuses_writes_on_the_read_engine(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    async with uow.read() as reader:
        with pytest.raises(DBAPIError, match="(?i)read.?only"):
            await reader.messages.add(message(clock, 1))
    async with uow.read() as reader:
        with pytest.raises(DBAPIError, match="(?i)read.?only"):
            await reader.messages.delete(message(clock, 1).sid)
    async with uow.read() as reader:
        assert await reader.messages.find(message(clock, 1).sid) is None


async def test_in_memory_sqlite_reads_through_the_write_engine() -> None:
    assert make_read_engine("sqlite:///:memory:") is None


async def _terminate_others(url: str) -> int:
    """What a restart does to our connections: the server ends every other backend."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        ended = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(ended)
    finally:
        await conn.close()


async def _pooled_backends(engine: Any, n: int) -> set[int]:
    """Check out `n` connections at once (so the pool holds `n`) and return their backend pids."""
    conns = [await engine.connect() for _ in range(n)]
    try:
        return {(await c.execute(text("SELECT pg_backend_pid()"))).scalar_one() for c in conns}
    finally:
        for c in conns:
            await c.close()


async def test_the_read_pool_survives_the_server_dropping_its_connections(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: the server ends the backends")
    assert uow.read_engine is not None
    await add(uow, message(clock, 1))
    before = await _pooled_backends(uow.read_engine, 3)
    assert len(before) == 3
    assert await _terminate_others(database_url) >= 3
    # The event loop sees each closed socket (asyncpg marks the connection closed); give it the
    # moment a restart takes anyway.
    await asyncio.sleep(0.2)
    for _ in range(5):  # every pooled connection was dropped at checkout, without an error
        async with uow.read() as reader:
            assert await reader.messages.find(message(clock, 1).sid) == message(clock, 1)
    after = await _pooled_backends(uow.read_engine, 3)
    assert not before & after
    # The write engine (pre-ping) survives too.
    await add(uow, message(clock, 2))


async def test_a_connection_dropped_unseen_fails_one_read_then_the_pool_recovers(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, database_url: str
) -> None:
    """The race the checkout check cannot see: the server ends the backend while the connection
    is checked out. That read fails with a disconnect error; SQLAlchemy invalidates the pool, and
    the next read succeeds on a new connection."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: the server ends the backends")
    assert uow.read_engine is not None
    await add(uow, message(clock, 1))
    async with uow.read_engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        await _terminate_others(database_url)
        with pytest.raises(DBAPIError) as caught:
            await conn.execute(text("SELECT 1"))
        assert caught.value.connection_invalidated
    async with uow.read() as reader:
        assert await reader.messages.find(message(clock, 1).sid) == message(clock, 1)
