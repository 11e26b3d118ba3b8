"""Malformed requests to the OAuth endpoints of a real server, sent raw: each gets an RFC 6749
error body and a 4xx status (never a 500); malformed Bearer headers on the REST API get 401."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from tests.e2e.conftest import CharterServer, MainAccount

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ENDPOINTS = ["/v2/token", "/v1/token", "/oauth2/token", "/oauth2/introspect", "/oauth2/revoke"]


def _basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


@pytest.fixture(scope="module")
def app(charter_server: CharterServer) -> tuple[str, str, MainAccount]:
    account = charter_server.create_main_account("OAuth bad input")
    with charter_server.http(account.auth) as http:
        r = http.post(
            "/v1/Account/OAuthApps",
            json={"friendly_name": "Bad input", "policy": {"allow": ["/twilio/voice/calls/list"]}},
        )
    assert r.status_code == 201, r.text
    return r.json()["sid"], r.json()["secret"], account


@pytest.fixture
def raw(server: CharterServer) -> Iterator[httpx.Client]:
    with server.http() as client:
        yield client


BAD_BODIES: list[tuple[str, bytes, dict[str, str]]] = [
    ("json body", b'{"grant_type": "client_credentials"}', {"Content-Type": "application/json"}),
    ("no content type", b"grant_type=client_credentials", {}),
    ("repeated field", b"grant_type=client_credentials&grant_type=client_credentials", FORM),
    ("invalid utf-8", b"grant_type=\xff\xfe", FORM),
    ("percent-encoded invalid utf-8", b"grant_type=%ff%fe", FORM),
    ("too large", b"grant_type=" + b"a" * 70_000, FORM),
    ("nul byte", b"grant_type=client_credentials%00", FORM),
    ("unknown grant", b"grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer", FORM),
    ("missing token", b"token_type_hint=access_token", FORM),
    ("bad hint", b"token=x&token_type_hint=id_token", FORM),
]

BAD_AUTH = [
    "Basic %%%",
    "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
    "Basic " + base64.b64encode(b"no-colon").decode(),
    _basic("OQ" + "0" * 32, "x" * 10_000),
    _basic("x" * 5_000, "secret"),
    "Bearer abc",
    "Digest username=x",
]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(("name", "body", "headers"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_bodies_get_rfc6749_errors(
    raw: httpx.Client,
    app: tuple[str, str, MainAccount],
    path: str,
    name: str,
    body: bytes,
    headers: dict[str, str],
) -> None:
    client_id, secret, _ = app
    r = raw.post(
        path, content=body, headers={**headers, "Authorization": _basic(client_id, secret)}
    )
    assert 400 <= r.status_code < 500, (name, r.status_code, r.text)
    assert r.headers["cache-control"] == "no-store"
    assert isinstance(r.json()["error"], str), r.text


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("authorization", BAD_AUTH)
def test_bad_client_authentication_is_refused(
    raw: httpx.Client, path: str, authorization: str
) -> None:
    r = raw.post(
        path,
        content=b"grant_type=client_credentials&token=x",
        headers={**FORM, "Authorization": authorization},
    )
    assert r.status_code in (400, 401, 429), (r.status_code, r.text)
    assert r.json()["error"] in ("invalid_client", "invalid_request", "slow_down"), r.text


@pytest.mark.parametrize(
    "authorization",
    ["Bearer", "Bearer  x", "Bearer " + "a" * 10_000, "Bearer a.b.c", "Bearer ..", "bearer x.y.z",
     "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
)  # fmt: skip
def test_bad_bearer_tokens_get_401(
    raw: httpx.Client, app: tuple[str, str, MainAccount], authorization: str
) -> None:
    _, _, account = app
    r = raw.get(
        f"/2010-04-01/Accounts/{account.sid}/Calls.json", headers={"Authorization": authorization}
    )
    assert r.status_code == 401, r.text
    assert r.json()["code"] == 20003


def test_the_alg_none_token_and_a_token_signed_by_another_key_are_refused(
    raw: httpx.Client, app: tuple[str, str, MainAccount]
) -> None:

    client_id, secret, account = app
    good = raw.post(
        "/v2/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    ).json()["access_token"]
    claims = jwt.decode(
        good, ECKey.import_key(raw.get("/.well-known/jwks.json").json()["keys"][0])
    ).claims
    header = jwt.decode(
        good, ECKey.import_key(raw.get("/.well-known/jwks.json").json()["keys"][0])
    ).header
    forged = jwt.encode(header, claims, ECKey.generate_key("P-256", {"kid": header["kid"]}))
    r = raw.get(
        f"/2010-04-01/Accounts/{account.sid}/Calls.json",
        headers={"Authorization": f"Bearer {forged}"},
    )
    assert r.status_code == 401
