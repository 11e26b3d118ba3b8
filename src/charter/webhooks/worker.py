"""The outbox worker: claim due events, deliver them, record every attempt, retry with backoff.

Each round claims up to `batch` due events in one short transaction (a lease: see
`charter.storage.outbox`), reads the auth tokens that sign them, delivers them concurrently
outside any transaction, and records each outcome with its log line in a transaction of its own.
Rounds run back to back while there is work, otherwise every `poll_seconds` or as soon as
`wake()` is called (a commit on this instance queued a webhook, or the test clock moved).

Any number of workers may run against one database (`charter serve` instances, `charter
worker` processes): a claimed event is leased to one of them, and an attempt is never made twice
at once. A worker that stops mid-delivery leaves its events leased; they are retried when the
lease ends. Delivery is therefore at least once; receivers deduplicate by the idempotency token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from charter.domain.clock import Clock
from charter.domain.ids import AccountSid
from charter.domain.ports import UnitOfWorkFactory
from charter.domain.webhooks import AttemptResult, PendingWebhook
from charter.webhooks.backoff import Backoff
from charter.webhooks.delivery import WebhookSender

log = logging.getLogger("charter.webhooks")

LEASE = timedelta(seconds=60)  # well beyond one attempt's deadline (10 s)
BATCH = 20
POLL_SECONDS = 1.0
STOP_GRACE_SECONDS = 5.0


class WebhookWorker:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        sender: WebhookSender,
        backoff: Backoff | None = None,
        *,
        batch: int = BATCH,
        poll_seconds: float = POLL_SECONDS,
        lease: timedelta = LEASE,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._sender = sender
        self._backoff = backoff or Backoff()
        self._batch = batch
        self._poll = poll_seconds
        self._lease = lease
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Start the next round now rather than at the next poll."""
        self._wakeup.set()

    async def run_once(self) -> int:
        """One round: claim, deliver and record; returns how many events were attempted."""
        now = self._clock.now()
        async with self._uow() as uow:
            events = await uow.outbox.claim_due(now, now + self._lease, self._batch)
            tokens: dict[str, str | None] = {}
            for sid in sorted({e.account_sid for e in events}):
                account = await uow.accounts.find(AccountSid(sid))
                tokens[sid] = None if account is None else account.auth_token
            await uow.commit()
        if events:
            await asyncio.gather(*(self._attempt(e, tokens[e.account_sid]) for e in events))
        return len(events)

    async def _attempt(self, event: PendingWebhook, auth_token: str | None) -> None:
        if auth_token is None:  # nobody left to sign for, nor to receive it
            result = AttemptResult(None, "refused: the account no longer exists", 0)
        else:
            result = await self._sender.send(event, auth_token)
        now = self._clock.now()
        retry_at = None
        if not result.delivered and auth_token is not None:
            retry_at = self._backoff.retry_at(event.attempt, event.not_before, now)
        async with self._uow() as uow:
            await uow.outbox.record_attempt(event, result, now, retry_at)
            await uow.commit()
        if result.delivered:
            log.info("webhook %s attempt %d: delivered", event.event_id, event.attempt)
        else:
            then = f"retry at {retry_at.isoformat()}" if retry_at else "given up"
            log.info(
                "webhook %s attempt %d: %s; %s", event.event_id, event.attempt, result.summary, then
            )

    async def run(self) -> None:
        """Rounds until `stop()`; a failed round (database unavailable) is logged and retried."""
        while not self._stopping:
            self._wakeup.clear()
            try:
                count = await self.run_once()
            except Exception as exc:
                log.warning("webhook worker round failed: %s: %s", type(exc).__name__, exc)
                count = 0
            if count >= self._batch or self._stopping:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self._poll)

    def start(self) -> None:
        """Run in the background of the current event loop."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name="charter-webhook-worker")

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Finish the round in progress (up to `grace` seconds, then abandon it: its events
        come back when their lease ends) and close the HTTP client."""
        self._stopping = True
        self.wake()
        task, self._task = self._task, None
        if task is not None:
            done, _ = await asyncio.wait({task}, timeout=grace)
            if not done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._sender.aclose()
