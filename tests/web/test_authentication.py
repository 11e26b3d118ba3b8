"""HTTP Basic authentication through the front door: failures, throttling, credential placement."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.settings import Settings
from charter.web.app import create_app
from tests.factories import make_account

DOCS = "https://www.twilio.com/docs/errors"
AUTHENTICATE = {
    "code": 20003,
    "message": "Authenticate",
    "more_info": f"{DOCS}/20003",
    "status": 401,
}


@pytest.fixture
def strict_client(settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    """A client whose throttle trips after 3 failures per address, 5 per account, in 60 s."""
    tight = dataclasses.replace(
        settings,
        auth_failures_per_source=3,
        auth_failures_per_account=5,
        auth_failure_window_seconds=60,
    )
    with TestClient(create_app(tight, clock), raise_server_exceptions=False) as c:
        yield c


def _get(client: TestClient, sid: str, auth: tuple[str, str]):
    return client.get(f"/2010-04-01/Accounts/{sid}.json", auth=auth)


def test_unknown_account_and_wrong_token_fail_identically(client: TestClient) -> None:
    account = make_account(client)
    wrong = client.get(f"/2010-04-01/Accounts/{account.sid}.json", auth=(account.sid, "0" * 32))
    unknown_sid = "AC" + "f" * 32
    unknown = client.get(f"/2010-04-01/Accounts/{unknown_sid}.json", auth=(unknown_sid, "0" * 32))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == AUTHENTICATE
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Basic",
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b":password").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Bearer abc.def.ghi",
        "Digest username=x",
    ],
)
def test_malformed_authorization_is_401(client: TestClient, header: str | None) -> None:
    account = make_account(client)
    headers = {} if header is None else {"Authorization": header}
    r = client.get(f"/2010-04-01/Accounts/{account.sid}.json", headers=headers)
    assert r.status_code == 401
    assert r.json() == AUTHENTICATE
    # a Bearer credential is answered with RFC 6750's challenge, anything else with Basic's
    scheme = "Bearer" if header is not None and header.startswith("Bearer") else "Basic"
    assert r.headers["www-authenticate"].startswith(scheme)


def test_credentials_in_query_or_body_are_never_read(client: TestClient) -> None:
    account = make_account(client)
    creds = {"AccountSid": account.sid, "AuthToken": account.auth_token}
    assert client.get(f"/2010-04-01/Accounts/{account.sid}.json", params=creds).status_code == 401
    assert client.post("/2010-04-01/Accounts.json", data=creds).status_code == 401
    url = f"http://{account.sid}:{account.auth_token}@testserver/2010-04-01/Accounts.json"
    # userinfo in the URL becomes a Basic header in httpx; that is a header, so it works
    assert client.get(url).status_code == 200


def test_secondary_token_authenticates(client: TestClient) -> None:
    account = make_account(client)
    r = client.post("/v1/AuthTokens/Secondary", auth=(account.sid, account.auth_token))
    assert r.status_code == 201
    secondary = r.json()["secondary_auth_token"]
    assert len(secondary) == 32
    ok = client.get(f"/2010-04-01/Accounts/{account.sid}.json", auth=(account.sid, secondary))
    assert ok.status_code == 200


def test_source_is_throttled_after_repeated_failures(
    strict_client: TestClient, clock: FixedClock
) -> None:
    account = make_account(strict_client)
    for _ in range(3):
        assert _get(strict_client, account.sid, (account.sid, "bad")).status_code == 401
    r = _get(strict_client, account.sid, (account.sid, account.auth_token))
    assert r.status_code == 429
    assert r.json()["code"] == 20429
    assert int(r.headers["retry-after"]) > 0
    clock.advance(61)
    assert _get(strict_client, account.sid, (account.sid, account.auth_token)).status_code == 200


def test_throttled_source_does_not_lock_out_the_account_owner(
    strict_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = make_account(strict_client)
    good = (account.sid, account.auth_token)
    from charter.web import routing

    sources = iter(["owner", *(f"attacker-{i}" for i in range(5)), "owner", "stranger"])
    monkeypatch.setattr(routing, "client_address", lambda request: next(sources))
    assert _get(strict_client, account.sid, good).status_code == 200  # owner signs in first
    for _ in range(5):  # five different attacker addresses, one failure each
        assert _get(strict_client, account.sid, (account.sid, "bad")).status_code == 401
    assert _get(strict_client, account.sid, good).status_code == 200  # the owner still works
    assert _get(strict_client, account.sid, good).status_code == 429  # an unknown address does not
