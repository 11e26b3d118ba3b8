"""The test clock's shared offset: two instances (two engines) on one database agree.

Runs on SQLite, or on PostgreSQL under `CHARTER_TEST_DATABASE=postgres`, where the advances race
over separate connections.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from charter.domain.clock import MAX_OFFSET_SECONDS, FixedClock, TestClock
from charter.domain.errors import InvalidParameter
from charter.security import Cipher
from charter.services.test_clock import TestClockService
from charter.storage.engine import make_engine
from charter.storage.repositories import changes_since
from charter.storage.unit_of_work import SQLUnitOfWorkFactory

pytestmark = pytest.mark.anyio

START = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
KEY = bytes(range(32))


@pytest.fixture
async def engines(database_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    first, second = make_engine(database_url), make_engine(database_url)
    yield first, second
    await first.dispose()
    await second.dispose()


def instance(engine: AsyncEngine) -> TestClockService:
    clock = TestClock(FixedClock(START))
    return TestClockService(SQLUnitOfWorkFactory(engine, Cipher(KEY), clock), clock)


@pytest.fixture
def a(engines: tuple[AsyncEngine, AsyncEngine]) -> TestClockService:
    return instance(engines[0])


@pytest.fixture
def b(engines: tuple[AsyncEngine, AsyncEngine]) -> TestClockService:
    return instance(engines[1])


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


async def test_a_fresh_database_has_no_offset(a: TestClockService) -> None:
    await a.load()
    assert a.clock.now() == START


async def test_an_advance_is_kept_in_the_database_for_instances_that_start_later(
    a: TestClockService, b: TestClockService
) -> None:
    assert await a.advance(90) == at(90)
    assert a.clock.now() == at(90)
    assert b.clock.now() == START  # not started yet
    await b.load()
    assert b.clock.now() == at(90)


async def test_an_advance_announces_the_new_offset_on_the_change_feed(
    a: TestClockService, b: TestClockService, engines: tuple[AsyncEngine, AsyncEngine]
) -> None:
    await a.advance(30)
    await a.advance(0.5)
    async with AsyncSession(engines[1]) as session:
        rows = await changes_since(session, 0)
    feed = [(entity, key) for _, entity, key in rows]
    assert feed == [("clock", "30.0"), ("clock", "30.5")]
    b.apply_changes([("account", "AC" + "0" * 32), *feed])
    assert b.clock.now() == at(30.5)


async def test_advances_add_to_the_shared_offset_not_to_the_local_one(
    a: TestClockService, b: TestClockService
) -> None:
    await a.advance(10)
    assert await b.advance(5) == at(15)  # b had not heard of a's advance yet
    a.apply_changes([("clock", "10.0")])  # a late or repeated announcement changes nothing
    a.apply_changes([("clock", "15.0")])
    assert a.clock.now() == at(15)


async def test_concurrent_advances_from_two_instances_all_count(
    a: TestClockService, b: TestClockService
) -> None:
    await asyncio.gather(*(a.advance(1) for _ in range(10)), *(b.advance(2) for _ in range(10)))
    await a.load()
    await b.load()
    assert a.clock.now() == b.clock.now() == at(30)


async def test_an_advance_waits_for_one_in_flight_on_another_instance(
    a: TestClockService, b: TestClockService, engines: tuple[AsyncEngine, AsyncEngine]
) -> None:
    async with SQLUnitOfWorkFactory(engines[0], Cipher(KEY), a.clock)() as uow:
        assert await uow.test_clock.advance(10, START, MAX_OFFSET_SECONDS) == 10.0
        racing = asyncio.create_task(b.advance(10))
        await asyncio.sleep(0.3)
        assert not racing.done()  # the row is locked until the first advance commits
        await uow.commit()
    assert await racing == at(20)


async def test_an_advance_past_a_century_is_refused_and_changes_nothing(
    a: TestClockService, b: TestClockService
) -> None:
    await a.advance(MAX_OFFSET_SECONDS - 60)
    with pytest.raises(InvalidParameter) as caught:
        await b.advance(61)
    assert caught.value.message == ("The test clock cannot run more than 3153600000 seconds ahead")
    await b.load()
    assert b.clock.offset == MAX_OFFSET_SECONDS - 60


@pytest.mark.parametrize("seconds", [-1.0, float("nan"), float("inf")])
async def test_a_bad_step_is_refused_before_the_database(
    a: TestClockService, seconds: float
) -> None:
    with pytest.raises(InvalidParameter):
        await a.advance(seconds)
    await a.load()
    assert a.clock.now() == START
