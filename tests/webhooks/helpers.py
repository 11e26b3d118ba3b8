"""Shared bits of the webhook tests: a claimed event and a recording mock transport."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from charter.domain.webhooks import PendingWebhook
from charter.webhooks.delivery import WebhookSender

TOKEN = "12345"
AT = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def event(
    url: str = "https://hooks.example.com/status",
    method: str = "POST",
    params: dict[str, str] | None = None,
    **overrides: object,
) -> PendingWebhook:
    values: dict[str, object] = {
        "id": 1,
        "event_id": "EV" + "0" * 32,
        "kind": "message.status",
        "account_sid": "AC" + "1" * 32,
        "url": url,
        "method": method,
        "params": {"MessageSid": "SM" + "2" * 32, "MessageStatus": "sent"}
        if params is None
        else params,
        "not_before": AT,
        "attempt": 1,
    }
    values.update(overrides)
    return PendingWebhook(**values)  # type: ignore[arg-type]


class Recorder:
    """An `httpx.MockTransport` answering with `status` (or what `respond` returns), keeping
    every request it saw."""

    def __init__(
        self,
        status: int = 200,
        respond: Callable[[httpx.Request], httpx.Response] | None = None,
    ) -> None:
        self.requests: list[httpx.Request] = []
        self._status = status
        self._respond = respond
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self._respond is not None:
            return self._respond(request)
        return httpx.Response(self._status)

    def sender(self, deadline: float = 10.0) -> WebhookSender:
        transport = self.transport
        return WebhookSender(
            lambda: httpx.AsyncClient(transport=transport, follow_redirects=False), deadline
        )
