"""Webhooks to customer URLs: an outbox event claimed for delivery, the result of one attempt,
and the delivery log (what happened to each event, attempt by attempt).

Delivery itself (HTTP, signing, the SSRF guard, retries) is `charter.webhooks`; this module only
holds the values the storage ports and services trade.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

DeliveryStatus = Literal["delivered", "pending", "failed"]


@dataclass(frozen=True, slots=True)
class PendingWebhook:
    """An outbox event claimed for one delivery attempt (number `attempt`, from 1)."""

    id: int
    event_id: str
    kind: str
    account_sid: str
    url: str
    method: str
    params: Mapping[str, str]
    not_before: datetime
    attempt: int


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What one attempt got: an HTTP status, or an error (refused address, timeout, …)."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        """2xx and nothing else: a redirect is a failure (redirects are never followed)."""
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300

    @property
    def summary(self) -> str | None:
        """The outbox row's `last_error` for a failed attempt; None when delivered."""
        if self.delivered:
            return None
        if self.error is not None:
            return self.error
        return f"HTTP {self.status_code}"


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    """One line of the delivery log."""

    attempt: int
    url: str
    method: str
    status_code: int | None
    error: str | None
    duration_ms: int
    attempted_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """An outbox event as the delivery log shows it, with every attempt so far (oldest first).

    `sid` is the event id (`EV…`), the value of the `I-Twilio-Idempotency-Token` header.
    """

    sid: str
    kind: str
    account_sid: str
    subject_sid: str | None
    url: str
    method: str
    params: Mapping[str, str]
    attempt_count: int
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    given_up_at: datetime | None
    date_created: datetime
    attempts: Sequence[WebhookAttempt]

    @property
    def status(self) -> DeliveryStatus:
        if self.delivered_at is not None:
            return "delivered"
        if self.given_up_at is not None:
            return "failed"
        return "pending"
