"""Errors outside any operation (404, 405), the health check, and the generated API reference."""

from __future__ import annotations

import html

import pytest
from starlette.testclient import TestClient

from charter.web.api import operations

DOCS = "https://www.twilio.com/docs/errors"


@pytest.mark.parametrize(
    "path", ["/nope", "/2010-04-01/Accounts", "/2010-04-01/Accounts/AC1/Queues.json", "/v1/Nothing"]
)
def test_an_unknown_path_is_twilios_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    assert r.headers["cache-control"] == "no-store"
    assert r.json() == {
        "code": 20404,
        "message": f"The requested resource {path} was not found",
        "more_info": f"{DOCS}/20404",
        "status": 404,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/2010-04-01/Accounts.json"),
        ("PUT", "/2010-04-01/Accounts.json"),
        ("GET", "/v1/AuthTokens/Promote"),
        ("POST", "/healthz"),
    ],
)
def test_a_method_the_path_does_not_have_is_twilios_405(
    client: TestClient, method: str, path: str
) -> None:
    r = client.request(method, path)
    assert r.status_code == 405
    allowed = {m.strip() for m in r.headers["allow"].split(",")}
    assert method not in allowed
    assert allowed >= {op.method for op in operations() if op.path == path}
    assert r.json() == {
        "code": 20004,
        "message": f"Method {method} is not allowed on {path}",
        "more_info": f"{DOCS}/20004",
        "status": 405,
    }


def test_healthz_answers_ok_once_started(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_openapi_documents_every_operation_with_its_id_and_permission(client: TestClient) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    document = r.json()
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://127.0.0.1:8000"}]
    ops = operations()
    documented = {
        (path, method) for path, methods in document["paths"].items() for method in methods
    }
    assert documented == {(op.path, op.method.lower()) for op in ops}
    for op in ops:
        doc = document["paths"][op.path][op.method.lower()]
        assert doc["operationId"] == op.name
        assert op.permission is not None, f"{op.name} names no permission"
        assert doc["x-twilio-permission"] == op.permission.name
        assert doc["x-twilio-permission"].startswith("/twilio/")
        assert str(op.status) in doc["responses"]
        assert "4XX" in doc["responses"]


def test_operation_ids_are_unique_as_openapi_requires() -> None:
    names = [op.name for op in operations()]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_docs_is_a_framed_nowhere_html_page_listing_every_path(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in r.text.lower()
    for op in operations():
        assert f"<code>{html.escape(op.path)}</code>" in r.text
        assert html.escape(op.summary) in r.text
