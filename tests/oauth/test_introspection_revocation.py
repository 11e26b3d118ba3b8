"""RFC 7662 introspection, RFC 7009 revocation, RFC 8414 metadata and the JWKS."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from tests.factories import make_account, runtime
from tests.oauth.helpers import bearer, fetch_token, make_app

CALLS = "/2010-04-01/Accounts/{}/Calls.json"


def test_a_client_learns_only_about_its_own_live_tokens(
    client: TestClient, clock: FixedClock
) -> None:
    account = make_account(client)
    app, secret = make_app(client, account, ttl=120)
    other, other_secret = make_app(client, make_account(client, "Other"))
    token = fetch_token(client, app.sid, secret)["access_token"]
    own = client.post("/oauth2/introspect", data={"token": token}, auth=(app.sid, secret))
    assert own.status_code == 200
    assert own.headers["cache-control"] == "no-store"
    body = own.json()
    assert body["active"] is True
    assert body["client_id"] == app.sid
    assert body["sub"] == account.sid
    assert body["token_type"] == "Bearer"
    assert isinstance(body["exp"], int)
    foreign = client.post(
        "/oauth2/introspect", data={"token": token}, auth=(other.sid, other_secret)
    )
    assert foreign.json() == {"active": False}
    garbage = client.post("/oauth2/introspect", data={"token": "x.y.z"}, auth=(app.sid, secret))
    assert garbage.json() == {"active": False}
    unauthenticated = client.post("/oauth2/introspect", data={"token": token})
    assert unauthenticated.status_code == 401
    missing = client.post("/oauth2/introspect", data={}, auth=(app.sid, secret))
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"
    clock.advance(120)
    expired = client.post("/oauth2/introspect", data={"token": token}, auth=(app.sid, secret))
    assert expired.json() == {"active": False}


def test_revocation_is_immediate_and_lasts_until_expiry(client: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    keep = fetch_token(client, app.sid, secret)["access_token"]
    revoked = client.post(
        "/oauth2/revoke",
        data={"token": token, "token_type_hint": "access_token"},
        auth=(app.sid, secret),
    )
    assert revoked.status_code == 200
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 401
    assert client.get(CALLS.format(account.sid), headers=bearer(keep)).status_code == 200
    introspected = client.post("/oauth2/introspect", data={"token": token}, auth=(app.sid, secret))
    assert introspected.json() == {"active": False}
    # idempotent; unknown tokens are fine (RFC 7009 §2.2)
    again = client.post("/oauth2/revoke", data={"token": token}, auth=(app.sid, secret))
    assert again.status_code == 200
    unknown = client.post("/oauth2/revoke", data={"token": "nonsense"}, auth=(app.sid, secret))
    assert unknown.status_code == 200


def test_a_client_cannot_revoke_another_clients_token(client: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    other, other_secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    refused = client.post("/oauth2/revoke", data={"token": token}, auth=(other.sid, other_secret))
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 200
    unauthenticated = client.post("/oauth2/revoke", data={"token": token})
    assert unauthenticated.status_code == 401


def test_revocations_survive_a_restart_of_the_instance(client: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    client.post("/oauth2/revoke", data={"token": token}, auth=(app.sid, secret))
    rt = runtime(client)
    rt.oauth.tokens.revoked.replace([])  # what a fresh instance knows before loading
    assert client.portal is not None
    client.portal.call(rt.oauth.start)
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 401


def test_metadata_and_jwks(client: TestClient) -> None:
    metadata = client.get("/.well-known/oauth-authorization-server").json()
    issuer = "http://127.0.0.1:8000"
    assert metadata["issuer"] == issuer
    assert metadata["token_endpoint"] == f"{issuer}/oauth2/token"
    assert metadata["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    assert metadata["grant_types_supported"] == ["client_credentials"]
    assert "/twilio/voice/calls/list" in metadata["scopes_supported"]
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "EC"
    assert keys[0]["crv"] == "P-256"
    assert keys[0]["alg"] == "ES256"
    assert "d" not in keys[0]  # never the private half


def test_concurrent_revocations_of_one_token_all_succeed(client: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(
                lambda _: (
                    client.post(
                        "/oauth2/revoke", data={"token": token}, auth=(app.sid, secret)
                    ).status_code
                ),
                range(8),
            )
        )
    assert statuses == [200] * 8
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 401


def test_revocations_are_forgotten_once_their_tokens_have_expired(
    client: TestClient, clock: FixedClock
) -> None:
    account = make_account(client)
    app, secret = make_app(client, account, ttl=60)
    first = fetch_token(client, app.sid, secret)["access_token"]
    client.post("/oauth2/revoke", data={"token": first}, auth=(app.sid, secret))
    revoked = runtime(client).oauth.tokens.revoked
    assert len(revoked) == 1
    clock.advance(60)  # the first token has expired: its revocation need not be kept
    second = fetch_token(client, app.sid, secret)["access_token"]
    client.post("/oauth2/revoke", data={"token": second}, auth=(app.sid, secret))
    assert len(revoked) == 1
    assert client.get(CALLS.format(account.sid), headers=bearer(second)).status_code == 401
