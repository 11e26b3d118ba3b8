"""OAuth app secrets through the front door: rotation with a grace period, never more than two
valid secrets, and the compromise path that revokes the previous one at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.domain.models import Account
from charter.domain.oauth_apps import AppSecret
from charter.security import digest
from tests.factories import make_account
from tests.web.oauth_apps import PATH, auth, create, credentials

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def rotate(client: TestClient, account: Account, sid: str, body: Any = None) -> Any:
    r = client.post(f"{PATH}/{sid}/secret", json=body, auth=auth(account))
    assert r.status_code == 200, r.text
    return r.json()


def secrets(client: TestClient, sid: str) -> list[AppSecret]:
    found = credentials(client, sid)
    assert found is not None
    return found[1]


def valid(client: TestClient, sid: str, at: datetime) -> set[bytes]:
    return {s.digest for s in secrets(client, sid) if s.valid_at(at)}


def test_rotation_returns_a_new_secret_and_keeps_the_old_one_for_a_day(
    client: TestClient, clock: FixedClock
) -> None:
    account = make_account(client)
    app = create(client, account)
    clock.advance(30)
    rotated = rotate(client, account, app["sid"])
    assert rotated == {
        "sid": app["sid"],
        "secret": rotated["secret"],
        "previous_secret_expires_at": "2026-11-26T12:00:30Z",
        "date_rotated": "2026-11-25T12:00:30Z",
    }
    assert len(rotated["secret"]) == 32
    assert rotated["secret"] != app["secret"]
    now = NOW + timedelta(seconds=30)
    both = {digest(app["secret"]), digest(rotated["secret"])}
    assert valid(client, app["sid"], now) == both
    boundary = now + timedelta(days=1)
    assert valid(client, app["sid"], boundary - timedelta(microseconds=1)) == both
    assert valid(client, app["sid"], boundary) == {digest(rotated["secret"])}


@pytest.mark.parametrize("grace", [0, 1, 3600, 30 * 24 * 3600])
def test_grace_period_is_exact(client: TestClient, grace: int) -> None:
    account = make_account(client)
    app = create(client, account)
    rotated = rotate(client, account, app["sid"], {"grace_period_seconds": grace})
    expires = NOW + timedelta(seconds=grace)
    assert rotated["previous_secret_expires_at"] == expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    old = digest(app["secret"])
    if grace:
        assert old in valid(client, app["sid"], expires - timedelta(microseconds=1))
    assert old not in valid(client, app["sid"], expires)  # grace 0: invalid at once
    assert digest(rotated["secret"]) in valid(client, app["sid"], NOW)


@pytest.mark.parametrize(
    "body",
    [{"grace_period_seconds": -1}, {"grace_period_seconds": 30 * 24 * 3600 + 1},
     {"grace_period_seconds": "60"}, {"grace_period_seconds": 1.5}],
)  # fmt: skip
def test_bad_grace_period_is_400_and_rotates_nothing(client: TestClient, body: Any) -> None:
    account = make_account(client)
    app = create(client, account)
    r = client.post(f"{PATH}/{app['sid']}/secret", json=body, auth=auth(account))
    assert r.status_code == 400, r.text
    assert r.json()["code"] == 20001
    assert [s.digest for s in secrets(client, app["sid"])] == [digest(app["secret"])]


def test_rotating_twice_invalidates_the_oldest_at_once(client: TestClient) -> None:
    account = make_account(client)
    app = create(client, account)
    first = rotate(client, account, app["sid"])
    second = rotate(client, account, app["sid"], {"grace_period_seconds": 600})
    stored = secrets(client, app["sid"])
    assert len(stored) == 2
    assert valid(client, app["sid"], NOW) == {digest(first["secret"]), digest(second["secret"])}
    assert second["previous_secret_expires_at"] == "2026-11-25T12:10:00Z"


def test_revoking_the_previous_secret_takes_effect_at_once(client: TestClient) -> None:
    account = make_account(client)
    app = create(client, account)
    rotated = rotate(client, account, app["sid"])
    r = client.delete(f"{PATH}/{app['sid']}/secret/previous", auth=auth(account))
    assert r.status_code == 204
    assert r.content == b""
    assert valid(client, app["sid"], NOW) == {digest(rotated["secret"])}
    assert len(secrets(client, app["sid"])) == 1
    # nothing left to revoke: still 204, the current secret untouched
    again = client.delete(f"{PATH}/{app['sid']}/secret/previous", auth=auth(account))
    assert again.status_code == 204
    assert valid(client, app["sid"], NOW) == {digest(rotated["secret"])}


def test_app_settings_survive_rotation(client: TestClient) -> None:
    account = make_account(client)
    app = create(client, account, access_token_ttl=900)
    rotate(client, account, app["sid"])
    fetched = client.get(f"{PATH}/{app['sid']}", auth=auth(account)).json()
    assert fetched == {k: v for k, v in app.items() if k != "secret"}
