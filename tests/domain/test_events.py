"""Audit events as values: construction, the actor behind a principal, update diffs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from charter.domain.events import API, CLI, SYSTEM, Actor, audit_event, changes
from charter.domain.ids import AccountSid, is_sid
from charter.domain.models import AccountStatus, Principal

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
AC = AccountSid("AC" + "1" * 32)
MAIN = AccountSid("AC" + "2" * 32)
SK = "SK" + "3" * 32
OQ = "OQ" + "4" * 32


def test_an_event_gets_an_audit_event_sid_and_its_resource_type_from_its_event_type() -> None:
    actor = Actor("account", AC, API, "203.0.113.7")
    data = {"friendly_name": "ci"}
    event = audit_event(AC, "api-keys.created", SK, actor, NOW, "API key created", data)
    assert is_sid(event.sid, "AE")
    assert event.resource_type == "api-keys"
    assert (event.account_sid, event.event_type, event.resource_sid) == (
        AC,
        "api-keys.created",
        SK,
    )
    assert (event.actor, event.event_date, event.description) == (actor, NOW, "API key created")
    assert event.event_data == data
    assert event.event_data is not data  # a copy: the caller's dict cannot change the event


def test_an_event_without_data_has_an_empty_object() -> None:
    event = audit_event(AC, "auth-tokens.promoted", AC, SYSTEM, NOW)
    assert event.event_data == {}
    assert event.description is None
    assert audit_event(AC, "auth-tokens.promoted", AC, SYSTEM, NOW).sid != event.sid


@pytest.mark.parametrize(
    ("kind", "credential", "expected"),
    [
        ("auth_token", AC, Actor("account", AC, API, "198.51.100.1")),
        ("main_key", SK, Actor("api-key", SK, API, "198.51.100.1")),
        ("standard_key", SK, Actor("api-key", SK, API, "198.51.100.1")),
        ("restricted_key", SK, Actor("api-key", SK, API, "198.51.100.1")),
        ("oauth_app", OQ, Actor("oauth-app", OQ, API, "198.51.100.1")),
    ],
)
def test_actor_of_a_principal(kind: str, credential: str, expected: Actor) -> None:
    principal = Principal(kind, AC, MAIN, credential)
    assert Actor.of(principal, API, "198.51.100.1") == expected


def test_the_system_actor_is_the_cli_without_an_address() -> None:
    assert Actor("system", "charter", CLI, None) == SYSTEM


def test_changes_lists_only_what_differs_as_previous_and_updated() -> None:
    class Thing:
        def __init__(self, name: str, status: AccountStatus, policy: tuple[str, ...]) -> None:
            self.name, self.status, self.policy = name, status, policy

    before = Thing("a", AccountStatus.ACTIVE, ("/x",))
    after = Thing("a", AccountStatus.SUSPENDED, ("/x", "/y"))
    assert changes(before, after, "name", "status", "policy") == {
        "status": {"previous": "active", "updated": "suspended"},
        "policy": {"previous": ["/x"], "updated": ["/x", "/y"]},
    }
    assert changes(before, before, "name", "status", "policy") == {}
