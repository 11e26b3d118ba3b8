"""The worker against a real database: claim, deliver, log, retry on the clock, give up."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from urllib.parse import parse_qsl

import httpx
import pytest
from twilio.request_validator import RequestValidator

from charter.domain.clock import FixedClock
from charter.domain.models import Account
from charter.domain.paging import PageRequest
from charter.domain.webhooks import WebhookDelivery
from charter.storage.unit_of_work import SQLUnitOfWorkFactory
from charter.webhooks.backoff import Backoff
from charter.webhooks.worker import WebhookWorker
from tests.webhooks.helpers import Recorder

pytestmark = pytest.mark.anyio

HOOK = "https://hooks.example.com/status?site=1"
PARAMS = {"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered", "AccountSid": "x"}


def worker(uow: SQLUnitOfWorkFactory, clock: FixedClock, recorder: Recorder) -> WebhookWorker:
    return WebhookWorker(uow, clock, recorder.sender(), Backoff(random.Random(3)))


async def enqueue(
    uow: SQLUnitOfWorkFactory,
    clock: FixedClock,
    account: Account,
    at_offset: float = 0,
    method: str = "POST",
) -> str:
    async with uow() as tx:
        event_id = await tx.outbox.enqueue(
            "message.status", account.sid, HOOK, method, PARAMS,
            clock.now() + timedelta(seconds=at_offset), "SM" + "a" * 32,
        )  # fmt: skip
        await tx.commit()
    return event_id


async def delivery(uow: SQLUnitOfWorkFactory, event_id: str) -> WebhookDelivery:
    async with uow() as tx:
        found = await tx.outbox.find_delivery(event_id)
    assert found is not None
    return found


async def test_a_due_event_is_delivered_signed_and_logged(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, account: Account
) -> None:
    recorder = Recorder(204)
    event_id = await enqueue(uow, clock, account)
    w = worker(uow, clock, recorder)
    assert await w.run_once() == 1
    [request] = recorder.requests
    assert request.headers["I-Twilio-Idempotency-Token"] == event_id
    params = dict(parse_qsl(request.content.decode()))
    assert params == PARAMS
    assert RequestValidator(account.auth_token).validate(
        str(request.url), params, request.headers["X-Twilio-Signature"]
    )
    found = await delivery(uow, event_id)
    assert (found.status, found.attempt_count, found.delivered_at) == ("delivered", 1, clock.now())
    assert [(a.attempt, a.status_code, a.error) for a in found.attempts] == [(1, 204, None)]
    assert await w.run_once() == 0
    assert len(recorder.requests) == 1


async def test_events_wait_for_their_moment(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, account: Account
) -> None:
    recorder = Recorder()
    await enqueue(uow, clock, account, at_offset=10)
    w = worker(uow, clock, recorder)
    assert await w.run_once() == 0
    clock.advance(9)
    assert await w.run_once() == 0
    clock.advance(1)
    assert await w.run_once() == 1


async def test_failures_are_retried_on_the_clock_with_backoff(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, account: Account
) -> None:
    statuses = iter([500, 302, 200])
    recorder = Recorder(respond=lambda r: httpx.Response(next(statuses)))
    event_id = await enqueue(uow, clock, account)
    w = worker(uow, clock, recorder)
    assert await w.run_once() == 1
    first = await delivery(uow, event_id)
    assert (first.status, first.last_error) == ("pending", "HTTP 500")
    assert first.next_attempt_at is not None
    assert timedelta(seconds=30) <= first.next_attempt_at - clock.now() <= timedelta(seconds=33)
    clock.advance(29)
    assert await w.run_once() == 0
    clock.advance(4)
    assert await w.run_once() == 1
    second = await delivery(uow, event_id)
    assert second.last_error == "redirects are not followed"
    assert second.next_attempt_at is not None
    assert timedelta(seconds=60) <= second.next_attempt_at - clock.now() <= timedelta(seconds=66)
    clock.advance(66)
    assert await w.run_once() == 1
    done = await delivery(uow, event_id)
    assert done.status == "delivered"
    assert done.last_error is None
    assert [(a.attempt, a.status_code) for a in done.attempts] == [(1, 500), (2, 302), (3, 200)]
    tokens = {r.headers["I-Twilio-Idempotency-Token"] for r in recorder.requests}
    assert tokens == {event_id}


async def test_an_event_is_given_up_after_about_three_days_and_kept_in_the_log(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, account: Account
) -> None:
    recorder = Recorder(503)
    event_id = await enqueue(uow, clock, account)
    start = clock.now()
    w = worker(uow, clock, recorder)
    while (await delivery(uow, event_id)).status == "pending":
        found = await delivery(uow, event_id)
        if found.next_attempt_at is not None and found.next_attempt_at > clock.now():
            clock.advance((found.next_attempt_at - clock.now()).total_seconds())
        assert await w.run_once() == 1
    failed = await delivery(uow, event_id)
    assert failed.status == "failed"
    assert failed.given_up_at == clock.now()
    assert failed.next_attempt_at is None
    assert timedelta(days=2, hours=22) <= clock.now() - start <= timedelta(days=3)
    assert len(failed.attempts) == failed.attempt_count == len(recorder.requests) > 70
    clock.advance(86400 * 10)
    assert await w.run_once() == 0


async def test_a_vanished_account_fails_the_event_at_once(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, account: Account
) -> None:
    recorder = Recorder()
    async with uow() as tx:
        event_id = await tx.outbox.enqueue(
            "connect_app.deauthorized", "AC" + "f" * 32, HOOK, "POST", {}, clock.now()
        )
        await tx.commit()
    assert await worker(uow, clock, recorder).run_once() == 1
    found = await delivery(uow, event_id)
    assert found.status == "failed"
    assert found.last_error == "refused: the account no longer exists"
    assert recorder.requests == []


async def test_get_callbacks_carry_params_in_the_query(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, account: Account
) -> None:
    recorder = Recorder()
    await enqueue(uow, clock, account, method="GET")
    await worker(uow, clock, recorder).run_once()
    [request] = recorder.requests
    assert request.method == "GET"
    assert dict(request.url.params) == {"site": "1", **PARAMS}
    assert RequestValidator(account.auth_token).validate(
        str(request.url), {}, request.headers["X-Twilio-Signature"]
    )


async def test_a_commit_that_queues_a_webhook_wakes_the_running_worker(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, account: Account
) -> None:
    recorder = Recorder()
    w = WebhookWorker(uow, clock, recorder.sender(), poll_seconds=60)
    uow.on_enqueue = w.wake
    w.start()
    try:
        await asyncio.sleep(0.1)  # the first round found nothing and sleeps for a minute
        event_id = await enqueue(uow, clock, account)
        for _ in range(100):
            if (await delivery(uow, event_id)).status == "delivered":
                break
            await asyncio.sleep(0.02)
        assert (await delivery(uow, event_id)).status == "delivered"
    finally:
        await w.stop()


async def test_stop_returns_promptly_and_can_be_called_without_start(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    idle = WebhookWorker(uow, clock, Recorder().sender())
    await idle.stop()
    w = WebhookWorker(uow, clock, Recorder().sender(), poll_seconds=60)
    w.start()
    await asyncio.sleep(0.05)
    await asyncio.wait_for(w.stop(), 2)


async def test_the_delivery_log_lists_the_accounts_events_newest_first(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, account: Account
) -> None:
    first = await enqueue(uow, clock, account)
    second = await enqueue(uow, clock, account)
    await enqueue(uow, clock, account, at_offset=60)  # a simulated future: not shown yet
    async with uow() as tx:
        page = await tx.outbox.list_deliveries(account.sid, clock.now(), PageRequest(size=1))
        rest = await tx.outbox.list_deliveries(
            account.sid, clock.now(), PageRequest(size=1, page=1, cursor_sid=second)
        )
        other = await tx.outbox.list_deliveries("AC" + "0" * 32, clock.now(), PageRequest())
    assert [d.sid for d in page.items] == [second]
    assert page.has_next
    assert [d.sid for d in rest.items] == [first]
    assert not rest.has_next
    assert other.items == []
