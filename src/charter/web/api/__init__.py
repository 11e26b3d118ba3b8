"""Twilio-compatible REST operations, one module per resource; `operations()` lists them all."""

from __future__ import annotations

from charter.web.api import (
    accounts,
    auth_tokens,
    authorized_connect_apps,
    billing,
    calls,
    connect_apps,
    events,
    keys,
    messages,
    numbers,
    oauth_apps,
    recordings,
    webhook_deliveries,
)
from charter.web.routing import Operation


def operations() -> list[Operation]:
    return [
        *accounts.OPERATIONS,
        *auth_tokens.OPERATIONS,
        *keys.OPERATIONS,
        *oauth_apps.OPERATIONS,
        *connect_apps.OPERATIONS,
        *authorized_connect_apps.OPERATIONS,
        *numbers.OPERATIONS,
        *messages.OPERATIONS,
        *calls.OPERATIONS,
        *recordings.OPERATIONS,
        *billing.OPERATIONS,
        *events.OPERATIONS,
        *webhook_deliveries.OPERATIONS,
    ]
