"""Claiming outbox events: disjoint under concurrency, leased, and recorded by the latest claim."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from charter.domain.clock import FixedClock
from charter.domain.webhooks import AttemptResult, PendingWebhook
from charter.security import Cipher
from charter.storage.engine import make_engine
from charter.storage.tables import WebhookAttemptRow
from charter.storage.unit_of_work import SQLUnitOfWorkFactory

pytestmark = pytest.mark.anyio

ACCOUNT = "AC" + "1" * 32
SUBJECT = "SM" + "9" * 32
LEASE = timedelta(seconds=60)
FAILED = AttemptResult(500, None, 12)
OK = AttemptResult(200, None, 7)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow(engine: AsyncEngine, clock: FixedClock) -> SQLUnitOfWorkFactory:
    return SQLUnitOfWorkFactory(engine, Cipher(bytes(range(32))), clock)


async def enqueue(uow: SQLUnitOfWorkFactory, clock: FixedClock, count: int = 1) -> list[str]:
    async with uow() as tx:
        ids = [
            await tx.outbox.enqueue(
                "message.status", ACCOUNT, "https://h.example.com/", "POST", {"N": str(n)},
                clock.now(), SUBJECT,
            )
            for n in range(count)
        ]  # fmt: skip
        await tx.commit()
    return ids


async def claim(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, limit: int = 10
) -> list[PendingWebhook]:
    async with uow() as tx:
        events = list(await tx.outbox.claim_due(clock.now(), clock.now() + LEASE, limit))
        await tx.commit()
    return events


async def record(
    uow: SQLUnitOfWorkFactory,
    clock: FixedClock,
    event: PendingWebhook,
    result: AttemptResult,
    retry_in: float | None = 30,
) -> None:
    retry_at = None if retry_in is None else clock.now() + timedelta(seconds=retry_in)
    async with uow() as tx:
        await tx.outbox.record_attempt(event, result, clock.now(), retry_at)
        await tx.commit()


async def test_concurrent_claimers_never_take_the_same_event(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    queued = await enqueue(uow, clock, 60)

    async def claimer() -> list[str]:
        taken: list[str] = []
        while batch := await claim(uow, clock, limit=7):
            taken += [e.event_id for e in batch]
            await asyncio.sleep(0)
        return taken

    results = await asyncio.gather(*(claimer() for _ in range(6)))
    everything = [event_id for taken in results for event_id in taken]
    assert sorted(everything) == sorted(queued)  # each exactly once
    assert await claim(uow, clock) == []


async def test_a_claim_is_a_lease_that_comes_back_when_it_ends(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    [event_id] = await enqueue(uow, clock)
    [first] = await claim(uow, clock)
    assert (first.event_id, first.attempt) == (event_id, 1)
    clock.advance(LEASE.total_seconds() - 1)
    assert await claim(uow, clock) == []  # still leased (the worker may be delivering)
    clock.advance(1)
    [again] = await claim(uow, clock)  # the worker died: the event comes back
    assert (again.event_id, again.attempt) == (event_id, 2)


async def test_only_the_latest_claim_reschedules_but_every_attempt_is_logged(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    [event_id] = await enqueue(uow, clock)
    [stale] = await claim(uow, clock)
    clock.advance(LEASE.total_seconds())
    [latest] = await claim(uow, clock)
    await record(uow, clock, stale, FAILED, retry_in=1)  # must not shorten the new lease
    assert await claim(uow, clock) == []
    clock.advance(1)
    assert await claim(uow, clock) == []
    await record(uow, clock, latest, OK)
    async with uow() as tx:
        found = await tx.outbox.find_delivery(event_id)
    assert found is not None
    assert found.status == "delivered"
    assert [(a.attempt, a.status_code) for a in found.attempts] == [(1, 500), (2, 200)]


async def test_a_success_after_the_lease_ended_still_counts(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    [event_id] = await enqueue(uow, clock)
    [stale] = await claim(uow, clock)
    clock.advance(LEASE.total_seconds())
    await claim(uow, clock)
    await record(uow, clock, stale, OK)
    clock.advance(LEASE.total_seconds())
    assert await claim(uow, clock) == []
    async with uow() as tx:
        found = await tx.outbox.find_delivery(event_id)
    assert found is not None
    assert found.status == "delivered"


async def test_a_given_up_event_is_never_claimed_again(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    [event_id] = await enqueue(uow, clock)
    [event] = await claim(uow, clock)
    await record(uow, clock, event, FAILED, retry_in=None)
    clock.advance(86400 * 30)
    assert await claim(uow, clock) == []
    async with uow() as tx:
        found = await tx.outbox.find_delivery(event_id)
    assert found is not None
    assert (found.status, found.last_error) == ("failed", "HTTP 500")
    assert found.given_up_at == clock.now() - timedelta(days=30)


async def test_an_event_discarded_during_delivery_logs_nothing(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, engine: AsyncEngine
) -> None:
    await enqueue(uow, clock)
    [event] = await claim(uow, clock)
    async with uow() as tx:  # the message is canceled while its callback is on the wire
        await tx.outbox.discard_pending(SUBJECT, "message.status")
        await tx.commit()
    await record(uow, clock, event, OK)
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(WebhookAttemptRow)) == 0


async def test_an_idle_claim_on_sqlite_is_a_read_and_a_due_one_still_updates(
    engine: AsyncEngine, uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert await claim(uow, clock) == []
        idle = list(statements)
        await enqueue(uow, clock)
        statements.clear()
        assert len(await claim(uow, clock)) == 1
        busy = list(statements)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert "UPDATE" in busy
    if engine.dialect.name == "sqlite":
        assert idle == ["SELECT"]  # no write lock taken by a poll with nothing due
