"""Secret rotation seen from the token endpoint, to the second on the server's clock; signing-key
rotation with an overlap."""

from __future__ import annotations

from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.domain.events import SYSTEM
from charter.domain.models import Account
from tests.factories import make_account, runtime
from tests.oauth.helpers import bearer, fetch_token, make_app, segment

CALLS = "/2010-04-01/Accounts/{}/Calls.json"


def _status(client: TestClient, sid: str, secret: str) -> int:
    response = client.post(
        "/v2/token", data={"grant_type": "client_credentials"}, auth=(sid, secret)
    )
    status: int = response.status_code
    return status


def _rotate(client: TestClient, account: Account, sid: str, grace: int | None = None) -> str:
    rt = runtime(client)
    assert client.portal is not None
    rotation = client.portal.call(lambda: rt.oauth_apps.rotate_secret(account, sid, grace, SYSTEM))
    return rotation.secret


def test_the_previous_secret_works_until_the_grace_period_ends(
    client: TestClient, clock: FixedClock
) -> None:
    account = make_account(client)
    app, first = make_app(client, account)
    token = fetch_token(client, app.sid, first)["access_token"]
    second = _rotate(client, account, app.sid)  # default grace: 86400 s
    assert _status(client, app.sid, second) == 200
    clock.advance(86399)
    assert _status(client, app.sid, first) == 200
    clock.advance(1)
    assert _status(client, app.sid, first) == 401
    assert _status(client, app.sid, second) == 200
    # tokens are not secrets: one issued before the rotation lives out its own TTL
    clock.advance(-86400 + 10)
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 200


def test_never_more_than_two_valid_secrets(client: TestClient) -> None:
    account = make_account(client)
    app, first = make_app(client, account)
    second = _rotate(client, account, app.sid, 3600)
    third = _rotate(client, account, app.sid, 3600)  # inside the grace: the oldest ends at once
    assert _status(client, app.sid, first) == 401
    assert _status(client, app.sid, second) == 200
    assert _status(client, app.sid, third) == 200


def test_the_previous_secret_can_be_revoked_at_once(client: TestClient) -> None:
    account = make_account(client)
    app, first = make_app(client, account)
    second = _rotate(client, account, app.sid)
    rt = runtime(client)
    assert client.portal is not None
    client.portal.call(lambda: rt.oauth_apps.revoke_previous_secret(account, app.sid, SYSTEM))
    assert _status(client, app.sid, first) == 401
    assert _status(client, app.sid, second) == 200


def test_signing_keys_rotate_with_an_overlap(client: TestClient, clock: FixedClock) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    old = fetch_token(client, app.sid, secret)["access_token"]
    rt = runtime(client)
    assert client.portal is not None
    client.portal.call(lambda: rt.oauth.keyring.rotate(overlap_seconds=7200))
    new = fetch_token(client, app.sid, secret)["access_token"]
    assert segment(old, 0)["kid"] != segment(new, 0)["kid"]
    kids = {k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]}
    assert kids == {segment(old, 0)["kid"], segment(new, 0)["kid"]}
    for token in (old, new):
        assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 200
    clock.advance(7200)  # the overlap ends: the old key is gone from the key set on reload
    client.portal.call(rt.oauth.keyring.load)
    kids = {k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]}
    assert kids == {segment(new, 0)["kid"]}
