"""OAuth on the test clock, over real HTTP against `charter serve` with `CHARTER_TEST_CLOCK=1`:
token TTLs and the secret grace period end exactly when the server's clock says, to the second;
the two-secret limit; deletion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest

from tests.e2e.conftest import CharterServer, MainAccount, own_server

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture(scope="module")
def clock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CharterServer]:
    with own_server(tmp_path_factory, "oauth-clock", {"CHARTER_TEST_CLOCK": "1"}) as server:
        yield server


@pytest.fixture
def owner(clock_server: CharterServer) -> Iterator[tuple[httpx.Client, MainAccount]]:
    account = clock_server.create_main_account("Clocked")
    with clock_server.http(account.auth) as http:
        yield http, account


def _advance(http: httpx.Client, seconds: float) -> None:
    response = http.post("/_charter/clock", data={"advance": str(seconds)})
    assert response.status_code == 200, response.text


def _now(http: httpx.Client) -> datetime:
    return datetime.fromisoformat(http.get("/_charter/clock").json()["now"])


def _token_status(http: httpx.Client, client_id: str, secret: str) -> int:
    return http.post("/v2/token", data=GRANT, auth=(client_id, secret)).status_code


def _app(http: httpx.Client, ttl: int = 3600) -> tuple[str, str]:
    body = {
        "friendly_name": "Clocked app",
        "policy": {"allow": ["/twilio/voice/calls/list"]},
        "access_token_ttl": ttl,
    }
    response = http.post("/v1/Account/OAuthApps", json=body)
    assert response.status_code == 201, response.text
    return response.json()["sid"], response.json()["secret"]


def test_token_ttl_ends_on_the_servers_clock(owner: tuple[httpx.Client, MainAccount]) -> None:
    http, account = owner
    sid, secret = _app(http, ttl=60)
    token = http.post("/v2/token", data=GRANT, auth=(sid, secret)).json()["access_token"]
    calls = f"/2010-04-01/Accounts/{account.sid}/Calls.json"
    bearer = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=str(http.base_url), trust_env=False) as anonymous:
        assert anonymous.get(calls, headers=bearer).status_code == 200
        # `iat` and `exp` are whole seconds, so a token lives 60 s from the start of the second
        # it was issued in; one second of slack keeps this exact check deterministic
        _advance(http, 58)
        assert anonymous.get(calls, headers=bearer).status_code == 200
        _advance(http, 2)
        assert anonymous.get(calls, headers=bearer).status_code == 401
        introspected = anonymous.post(
            "/oauth2/introspect", data={"token": token}, auth=(sid, secret)
        )
        assert introspected.json() == {"active": False}


def test_grace_period_and_two_secret_limit(owner: tuple[httpx.Client, MainAccount]) -> None:
    http, _ = owner
    sid, first = _app(http)
    rotated = http.post(f"/v1/Account/OAuthApps/{sid}/secret", json={"grace_period_seconds": 600})
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["secret"]
    assert _token_status(http, sid, first) == 200
    assert _token_status(http, sid, second) == 200
    # The previous secret ends exactly at `previous_secret_expires_at` (rotation time, in whole
    # seconds, + 600 s) on the server's clock: half a second before it, it works; at it, not.
    expires = datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    _advance(http, (expires - _now(http)).total_seconds() - 0.5)
    assert _token_status(http, sid, first) == 200
    _advance(http, 0.5)
    assert _token_status(http, sid, first) == 401
    assert _token_status(http, sid, second) == 200
    # rotating twice inside a grace period: the oldest secret ends at once
    third = http.post(f"/v1/Account/OAuthApps/{sid}/secret", json={}).json()["secret"]
    fourth = http.post(f"/v1/Account/OAuthApps/{sid}/secret", json={}).json()["secret"]
    assert _token_status(http, sid, second) == 401
    assert _token_status(http, sid, third) == 200
    assert _token_status(http, sid, fourth) == 200
    # the default grace is one day
    _advance(http, 86_400 + 1)
    assert _token_status(http, sid, third) == 401
    assert _token_status(http, sid, fourth) == 200
    # deleting the app ends everything at once
    assert http.delete(f"/v1/Account/OAuthApps/{sid}").status_code == 204
    assert _token_status(http, sid, fourth) == 401
