"""OAuth across instances on one database: deletion, revocation, secret rotation and signing-key
rotation made on one instance hold on the other (PostgreSQL: NOTIFY, the poll being 30 s)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from charter.domain.events import SYSTEM
from charter.oauth.bearer import BearerAuthenticator
from charter.oauth.keyring import KeyRing
from charter.oauth.tokens import AccessTokens
from charter.settings import Settings
from charter.web.app import create_app
from tests import databases
from tests.factories import make_account, runtime
from tests.oauth.helpers import bearer, fetch_token, make_app

CALLS = "/2010-04-01/Accounts/{}/Calls.json"


@pytest.fixture
def other(settings: Settings) -> Iterator[TestClient]:
    poll = 30.0 if databases.backend() == "postgres" else 0.05
    twin = dataclasses.replace(settings, cache_poll_seconds=poll)
    with TestClient(create_app(twin), raise_server_exceptions=False) as c:
        yield c


def _eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_tokens_from_one_instance_work_on_the_other(client: TestClient, other: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    assert other.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 200


def test_revocation_on_one_instance_holds_on_the_other(
    client: TestClient, other: TestClient
) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    url = CALLS.format(account.sid)
    assert other.get(url, headers=bearer(token)).status_code == 200
    assert (
        client.post("/oauth2/revoke", data={"token": token}, auth=(app.sid, secret)).status_code
        == 200
    )
    assert _eventually(lambda: other.get(url, headers=bearer(token)).status_code == 401)


def test_deletion_on_one_instance_holds_on_the_other(client: TestClient, other: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    url = CALLS.format(account.sid)
    assert other.get(url, headers=bearer(token)).status_code == 200  # app cached over there
    rt = runtime(client)
    assert client.portal is not None
    client.portal.call(lambda: rt.oauth_apps.delete(account, app.sid, SYSTEM))
    assert _eventually(lambda: other.get(url, headers=bearer(token)).status_code == 401)
    form = {"grant_type": "client_credentials"}
    assert other.post("/v2/token", data=form, auth=(app.sid, secret)).status_code == 401


def test_signing_key_rotation_reaches_the_other_instance(
    client: TestClient, other: TestClient
) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    rt = runtime(client)
    assert client.portal is not None
    client.portal.call(lambda: rt.oauth.keyring.rotate(overlap_seconds=3600))
    token = fetch_token(client, app.sid, secret)["access_token"]  # signed by the new key
    # verified on the other instance (which reloads on the change feed or on the unknown kid)
    assert other.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 200
    assert _eventually(
        lambda: (
            fetch_token(other, app.sid, secret)["access_token"].split(".")[0] == token.split(".")[0]
        )
    )


def test_an_unknown_kid_makes_a_stale_instance_reload_its_keys(client: TestClient) -> None:
    """A key ring that missed a rotation (no change-feed notice yet) verifies a token signed by
    the new key: the unknown `kid` makes it reload from the database first."""
    account = make_account(client)
    app, secret = make_app(client, account)
    rt = runtime(client)
    assert client.portal is not None
    stale = KeyRing(rt.uow, rt.clock)
    client.portal.call(stale.load)
    bearer_check = BearerAuthenticator(
        AccessTokens(stale, rt.clock, rt.oauth.issuer, rt.oauth.issuer), stale, rt.directory
    )
    client.portal.call(lambda: rt.oauth.keyring.rotate(overlap_seconds=3600))
    token = fetch_token(client, app.sid, secret)["access_token"]  # signed by the new key
    principal = client.portal.call(lambda: bearer_check.authenticate(token))
    assert principal.credential_id == app.sid
