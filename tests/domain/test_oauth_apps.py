"""OAuth app rules: field checks, PUT-style updates, rotation and the compromise path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from charter.domain import oauth_apps as rules
from charter.domain.errors import InvalidParameter, InvalidPermission
from charter.domain.ids import AccountSid
from charter.domain.oauth_apps import AppSecret, Policy

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
CALLS = "/twilio/voice/calls/read"


def _app() -> rules.OAuthApp:
    return rules.new_app(
        AccountSid("AC" + "1" * 32), type="client_credentials", friendly_name="A",
        description=None, company_name=None, logo_url=None, homepage_url=None, terms_url=None,
        policy=Policy((CALLS,)), access_token_ttl=3600, created_by="AC" + "1" * 32, now=NOW,
    )  # fmt: skip


def test_check_fields_validates_only_what_is_present() -> None:
    assert rules.check_fields({}, production=False) == {}
    fields = rules.check_fields(
        {"friendly_name": "B", "policy": {"allow": [CALLS], "deny": None}, "logo_url": None},
        production=False,
    )
    assert fields == {"friendly_name": "B", "policy": Policy((CALLS,), ()), "logo_url": None}


def test_null_takes_the_default_where_there_is_one() -> None:
    fields = rules.check_fields(
        {"type": None, "access_token_ttl": None, "description": ""}, production=False
    )
    assert fields == {"type": "client_credentials", "access_token_ttl": 3600, "description": None}
    for required in ("friendly_name", "policy"):
        with pytest.raises(InvalidParameter):
            rules.check_fields({required: None}, production=False)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ({"policy": [CALLS]}, InvalidParameter),
        ({"policy": {"allow": ["/twilio/voice/calls/fly"]}}, InvalidPermission),
        (
            {"policy": {"allow": [CALLS], "deny": ["/twilio/iam/oauth-apps/create"]}},
            InvalidPermission,
        ),  # fmt: skip
        ({"type": "implicit"}, InvalidParameter),
        ({"company_name": "x" * 256}, InvalidParameter),
        ({"homepage_url": "//acme.example"}, InvalidParameter),
        ({"secret_version": 9}, InvalidParameter),
    ],
)
def test_check_fields_refuses(raw: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        rules.check_fields(raw, production=False)


def test_urls_are_https_only_in_production() -> None:
    assert rules.check_url("logo_url", "http://a.example", production=False) == "http://a.example"
    with pytest.raises(InvalidParameter, match="absolute https URL"):
        rules.check_url("logo_url", "http://a.example", production=True)
    assert rules.check_url("logo_url", "https://a.example", production=True) == "https://a.example"


def test_update_app_changes_the_given_fields_and_date_updated() -> None:
    app = _app()
    later = NOW + timedelta(minutes=5)
    assert rules.update_app(app, {"friendly_name": "A"}, later) is app
    updated = rules.update_app(app, {"friendly_name": "B", "access_token_ttl": 60}, later)
    assert (updated.friendly_name, updated.access_token_ttl) == ("B", 60)
    assert updated.date_updated == later
    assert updated.date_created == NOW
    assert updated.secret_version == app.secret_version


def _secret(id: str, expires_at: datetime | None) -> AppSecret:
    return AppSecret(id, "OQ" + "1" * 32, id.encode(), NOW - timedelta(days=1), expires_at)


def test_rotation_keeps_the_current_secret_for_the_grace_period_and_drops_older_ones() -> None:
    previous = _secret("OSa", NOW + timedelta(hours=1))
    current = _secret("OSb", None)
    new = _secret("OSc", None)
    keep, drop = rules.rotation([previous, current], new, 600, NOW)
    assert drop == ["OSa"]
    assert [(s.id, s.expires_at) for s in keep] == [
        ("OSb", NOW + timedelta(seconds=600)),
        ("OSc", None),
    ]
    assert len([s for s in keep if s.valid_at(NOW)]) == 2


def test_previous_secret_ids_are_all_but_the_current() -> None:
    secrets = [_secret("OSa", NOW - timedelta(hours=1)), _secret("OSb", NOW), _secret("OSc", None)]
    assert rules.previous_secret_ids(secrets) == ["OSa", "OSb"]
    assert rules.previous_secret_ids([_secret("OSc", None)]) == []
