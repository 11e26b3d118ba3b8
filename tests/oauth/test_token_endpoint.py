"""The token endpoints: every path, both client authentication methods, RFC 6749 errors."""

from __future__ import annotations

import dataclasses

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.settings import Settings
from charter.web.app import create_app
from tests.factories import make_account
from tests.oauth.helpers import CALLS_LIST, fetch_token, make_app, segment


@pytest.mark.parametrize(
    ("path", "status"), [("/v2/token", 200), ("/oauth2/token", 200), ("/v1/token", 201)]
)
def test_client_credentials_issue_an_rfc9068_jwt(
    client: TestClient, clock: FixedClock, path: str, status: int
) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    response = client.post(path, data={"grant_type": "client_credentials"}, auth=(app.sid, secret))
    assert response.status_code == status, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"] is None
    assert body["id_token"] is None
    header, claims = segment(body["access_token"], 0), segment(body["access_token"], 1)
    assert header["alg"] == "ES256"
    assert header["typ"] == "at+jwt"
    assert header["kid"]
    now = int(clock.now().timestamp())
    assert claims["sub"] == account.sid
    assert claims["client_id"] == app.sid
    assert claims["iat"] == now
    assert claims["exp"] == now + 3600
    assert claims["iss"] == claims["aud"] == "http://127.0.0.1:8000"
    assert len(claims["jti"]) == 32
    assert "scope" not in claims
    # The token verifies against the published JWKS, and the kid is there.
    keys = KeySet.import_key_set(client.get("/.well-known/jwks.json").json())
    decoded = jwt.decode(body["access_token"], keys, algorithms=["ES256"])
    assert decoded.claims["jti"] == claims["jti"]


def test_v1_token_takes_pascal_case_and_client_secret_post(client: TestClient) -> None:
    app, secret = make_app(client, make_account(client))
    pascal = client.post(
        "/v1/token",
        data={"GrantType": "client_credentials", "ClientId": app.sid, "ClientSecret": secret},
    )
    assert pascal.status_code == 201, pascal.text
    snake = client.post(
        "/v2/token",
        data={"grant_type": "client_credentials", "client_id": app.sid, "client_secret": secret},
    )
    assert snake.status_code == 200, snake.text


def test_every_live_token_works_and_ttl_follows_the_app(client: TestClient) -> None:
    app, secret = make_app(client, make_account(client), ttl=60)
    first = fetch_token(client, app.sid, secret)
    second = fetch_token(client, app.sid, secret)
    assert first["expires_in"] == second["expires_in"] == 60
    assert first["access_token"] != second["access_token"]


def test_wrong_and_unknown_clients_look_the_same(client: TestClient) -> None:
    app, secret = make_app(client, make_account(client))
    wrong = client.post(
        "/v2/token", data={"grant_type": "client_credentials"}, auth=(app.sid, secret + "x")
    )
    unknown = client.post(
        "/v2/token", data={"grant_type": "client_credentials"}, auth=("OQ" + "0" * 32, secret)
    )
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert response.headers["www-authenticate"].startswith("Basic")
        assert response.headers["cache-control"] == "no-store"
    assert wrong.json() == unknown.json()
    missing = client.post("/v2/token", data={"grant_type": "client_credentials"})
    assert missing.status_code == 401
    assert missing.json()["error"] == "invalid_client"


def test_grant_and_scope_errors(client: TestClient) -> None:
    app, secret = make_app(client, make_account(client), allow=["/twilio/voice/calls/*"])
    auth = (app.sid, secret)
    unsupported = client.post("/v2/token", data={"grant_type": "password"}, auth=auth)
    assert unsupported.status_code == 400
    assert unsupported.json()["error"] == "unsupported_grant_type"
    beyond = client.post(
        "/v2/token",
        data={"grant_type": "client_credentials", "scope": "/twilio/messaging/messages/list"},
        auth=auth,
    )
    assert beyond.status_code == 400
    assert beyond.json()["error"] == "invalid_scope"
    unknown = client.post(
        "/v2/token", data={"grant_type": "client_credentials", "scope": "calls:read"}, auth=auth
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_scope"
    narrowed = fetch_token(client, app.sid, secret, scope=f"{CALLS_LIST} {CALLS_LIST}")
    assert narrowed["scope"] == CALLS_LIST
    assert segment(narrowed["access_token"], 1)["scope"] == CALLS_LIST


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"params": {"client_secret": "x"}}, 400),  # credentials in the URL
        ({"content": b"grant_type=client_credentials&grant_type=client_credentials"}, 400),
        ({"json": {"grant_type": "client_credentials"}}, 400),
        ({"content": b"grant_type=" + b"a" * 70_000}, 413),
        ({"content": b"grant_type=%ff"}, 400),
    ],
)
def test_malformed_requests_get_rfc6749_errors(
    client: TestClient, kwargs: dict[str, object], status: int
) -> None:
    app, secret = make_app(client, make_account(client))
    headers = {}
    if "content" in kwargs:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    response = client.post(
        "/v2/token",
        auth=(app.sid, secret),
        headers=headers,
        **kwargs,
    )
    assert response.status_code == status, response.text
    assert response.json()["error"] == "invalid_request"


def test_audience_must_be_ours(client: TestClient) -> None:
    app, secret = make_app(client, make_account(client))
    response = client.post(
        "/v2/token",
        data={"grant_type": "client_credentials", "audience": "https://elsewhere.example"},
        auth=(app.sid, secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_target"


def test_repeated_failures_are_throttled(client: TestClient) -> None:
    app, secret = make_app(client, make_account(client))
    statuses = [
        client.post(
            "/v2/token", data={"grant_type": "client_credentials"}, auth=(app.sid, "wrong")
        ).status_code
        for _ in range(30)
    ]
    assert statuses[0] == 401
    assert statuses[-1] == 429
    assert client.get("/v2/token").status_code == 405


def test_a_malformed_basic_header_is_an_invalid_client(client: TestClient) -> None:
    response = client.post(
        "/v2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic %%%not-base64"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


def test_development_serves_tokens_on_a_plain_http_public_url(
    settings: Settings, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    lan = dataclasses.replace(settings, public_url="http://charter.lan:8000")
    with TestClient(create_app(lan, clock), raise_server_exceptions=False) as lan_client:
        app, secret = make_app(lan_client, make_account(lan_client))
        token = fetch_token(lan_client, app.sid, secret)["access_token"]
    assert segment(token, 1)["iss"] == "http://charter.lan:8000"
