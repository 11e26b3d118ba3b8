"""Audit events: a record of every security-relevant change, served as Twilio's Monitor Events.

Events are written in the same transaction as the change they describe, so one exists exactly
when the change does. Types follow Twilio's `resource.verb` style: `oauth-apps.created`,
`api-keys.deleted`, `accounts.updated`, …
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from charter.domain.ids import new_sid
from charter.domain.models import Principal

# Where a change came from (Twilio's `source`).
API, CONSOLE, CLI = "api", "web", "cli"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: Twilio's `actor_type` and `actor_sid`, and from where."""

    type: str
    sid: str
    source: str = API
    ip_address: str | None = None

    @staticmethod
    def of(principal: Principal, source: str = API, ip_address: str | None = None) -> Actor:
        """The actor behind an API principal: an account (auth token), a key, an OAuth app or a
        Connect app's authorization."""
        kind = principal.kind
        if kind == "auth_token":
            return Actor("account", principal.account_sid, source, ip_address)
        if kind.endswith("_key"):
            return Actor("api-key", principal.credential_id, source, ip_address)
        if kind == "oauth_app":
            return Actor("oauth-app", principal.credential_id, source, ip_address)
        if kind == "connect":  # the customer's authorization (`AZ…`) the app acts under
            return Actor("authorized-connect-app", principal.credential_id, source, ip_address)
        return Actor(kind, principal.credential_id, source, ip_address)  # pragma: no cover


SYSTEM = Actor("system", "charter", CLI)


@dataclass(frozen=True, slots=True)
class AuditEvent:
    sid: str
    account_sid: str
    event_type: str
    resource_type: str
    resource_sid: str
    actor: Actor
    event_date: datetime
    description: str | None = None
    event_data: Mapping[str, Any] = field(default_factory=dict)


def audit_event(
    account_sid: str,
    event_type: str,
    resource_sid: str,
    actor: Actor,
    now: datetime,
    description: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """An event `event_type` (`<resource-type>.<verb>`) about `resource_sid`, made by `actor`."""
    resource_type = event_type.partition(".")[0]
    return AuditEvent(
        sid=new_sid("AE"),
        account_sid=account_sid,
        event_type=event_type,
        resource_type=resource_type,
        resource_sid=resource_sid,
        actor=actor,
        event_date=now,
        description=description,
        event_data=dict(data or {}),
    )


def _plain(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(v) for v in value]
    return value


def changes(before: object, after: object, *names: str) -> dict[str, Any]:
    """Twilio's `event_data` for an update: `{name: {"previous": …, "updated": …}}` for each of
    the attributes `names` that differs between `before` and `after`.

    Never name an attribute holding a secret, token or digest.
    """
    data: dict[str, Any] = {}
    for name in names:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            data[name] = {"previous": _plain(old), "updated": _plain(new)}
    return data
