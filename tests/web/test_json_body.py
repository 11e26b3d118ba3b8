"""JSON request bodies (IAM v1 OAuth apps): one UTF-8 object within the size limit, or a Twilio
error body (400/413/415), never a 500, and nothing changed."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.factories import make_account
from tests.web.oauth_apps import PATH, auth

DOCS = "https://www.twilio.com/docs/errors"
JSON = {"Content-Type": "application/json"}

BAD: list[tuple[bytes, dict[str, str], int, str]] = [
    (
        b"FriendlyName=x",
        {"Content-Type": "application/x-www-form-urlencoded"},
        415,
        "application/json",
    ),  # fmt: skip
    (b'{"friendly_name": "x"}', {}, 415, "application/json"),
    (b'{"friendly_name": "x"}', {"Content-Type": "text/plain"}, 415, "application/json"),
    (
        b'{"friendly_name": "x"}',
        {"Content-Type": "application/json; charset=latin-1"},
        415,
        "UTF-8",
    ),  # fmt: skip
    (b'{"friendly_name": ', JSON, 400, "not valid JSON"),
    (b"\xff\xfe{}", JSON, 400, "not valid JSON"),
    (b'["friendly_name"]', JSON, 400, "must be a JSON object"),
    (b'"x"', JSON, 400, "must be a JSON object"),
    (b"null", JSON, 400, "must be a JSON object"),
    (b'{"friendly_name": "a", "friendly_name": "b"}', JSON, 400, "more than once"),
    (b'{"access_token_ttl": NaN}', JSON, 400, "NaN is not a number"),
    (b'{"friendly_name": "a\\u0000b"}', JSON, 400, "NUL"),
    (b'{"friendly_name": "\\ud800"}', JSON, 400, "not valid UTF-8"),
    (b'{"a\\u0000": 1}', JSON, 400, "NUL"),
    (b"[" * 5000 + b"]" * 5000, JSON, 400, "not valid JSON"),
    (b'{"access_token_ttl": 1' + b"0" * 5000 + b"}", JSON, 400, "not valid JSON"),
]


@pytest.mark.parametrize(
    ("body", "headers", "status", "message"), BAD, ids=[repr(b[0][:30]) for b in BAD]
)
def test_bad_bodies_are_refused_with_a_twilio_error(
    client: TestClient, body: bytes, headers: dict[str, str], status: int, message: str
) -> None:
    account = make_account(client)
    r = client.post(PATH, content=body, headers=headers, auth=auth(account))
    assert r.status_code == status, r.text
    error = r.json()
    assert set(error) == {"code", "message", "more_info", "status"}
    assert error["code"] == 20001
    assert error["status"] == status
    assert message in error["message"]
    assert client.get(PATH, auth=auth(account)).json()["oauth_apps"] == []


def test_oversized_body_is_413(client: TestClient) -> None:
    account = make_account(client)
    body = b'{"description": "' + b"x" * 70_000 + b'"}'
    r = client.post(PATH, content=body, headers=JSON, auth=auth(account))
    assert r.status_code == 413
    assert r.json()["code"] == 20001


def test_charset_utf8_and_an_empty_body_are_accepted(client: TestClient) -> None:
    account = make_account(client)
    body = b'{"friendly_name": "\xc3\xa9t\xc3\xa9", "policy": {"allow": ["/twilio/voice/calls/*"]}}'
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    r = client.post(PATH, content=body, headers=headers, auth=auth(account))
    assert r.status_code == 201, r.text
    assert r.json()["friendly_name"] == "\u00e9t\u00e9"
    # an empty body is an empty object: the rotate endpoint's body is optional
    rotated = client.post(f"{PATH}/{r.json()['sid']}/secret", auth=auth(account))
    assert rotated.status_code == 200
    empty = client.post(PATH, content=b"", headers=JSON, auth=auth(account))
    assert empty.status_code == 400
    assert empty.json()["message"] == "friendly_name is required"


def test_authentication_comes_before_the_body(client: TestClient) -> None:
    r = client.post(PATH, content=b"not json", headers=JSON)
    assert r.status_code == 401
    assert r.json()["code"] == 20003


def test_openapi_documents_json_bodies(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    create = document["paths"][PATH]["post"]
    assert set(create["requestBody"]["content"]) == {"application/json"}
    assert (
        "friendly_name"
        in create["requestBody"]["content"]["application/json"]["schema"]["properties"]
    )
    keys = document["paths"]["/v1/Keys"]["post"]["requestBody"]["content"]
    assert set(keys) == {"application/x-www-form-urlencoded"}
