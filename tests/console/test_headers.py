"""Every console and consent response refuses framing, keeps its URL out of Referer headers,
is never cached, loads nothing from other origins (but https logos) and sends no CORS headers."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.console.browser import create_app, sign_up

EXPECTED = {
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' https:; style-src 'self'; script-src 'none'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
}
ANONYMOUS = ["/console/sign-in", "/console/sign-up", "/console/", "/authorize/{sid}?state=x",
             "/authorize/CN00000000000000000000000000000000"]  # fmt: skip
SIGNED_IN = ["/console/", "/console/apps", "/console/apps/new", "/console/apps/{sid}",
             "/console/authorized-apps", "/console/webhooks", "/authorize/{sid}?state=x",
             "/console/apps/CN00000000000000000000000000000000"]  # fmt: skip


@pytest.fixture
def app_sid(client: TestClient) -> str:
    sign_up(client, "headers@example.com")
    sid = create_app(client)
    return sid


def _check(client: TestClient, method: str, path: str) -> None:
    r = client.request(
        method, path, headers={"Origin": "https://evil.example"}, follow_redirects=False
    )
    assert r.status_code < 500, (path, r.text)
    for name, value in EXPECTED.items():
        assert r.headers.get(name) == value, (path, name, r.headers)
    assert not [h for h in r.headers if h.lower().startswith("access-control-")], path


def test_signed_in_pages(client: TestClient, app_sid: str) -> None:
    for path in SIGNED_IN:
        _check(client, "GET", path.format(sid=app_sid))
    for path in ("/console/apps/new", f"/authorize/{app_sid}", "/console/sign-out"):
        _check(client, "POST", path)  # refusals (no CSRF token) too


def test_anonymous_pages(client: TestClient, app_sid: str) -> None:
    client.cookies.clear()
    for path in ANONYMOUS:
        _check(client, "GET", path.format(sid=app_sid))
    for path in ("/console/sign-in", "/console/sign-up", f"/authorize/{app_sid}"):
        _check(client, "POST", path)


def test_the_stylesheet_is_served_from_this_origin(client: TestClient) -> None:
    r = client.get("/console/static/console.css")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
