"""A form-filling client for the console over plain HTTP: reads the CSRF token from each page's
form and follows redirects by hand, so every status and `Location` can be checked."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import httpx
from starlette.testclient import TestClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, html
    return found.group(1)


def hidden(html: str, name: str) -> str | None:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    return None if found is None else unescape(found.group(1))


def submit(
    client: TestClient | httpx.Client, page: str, action: str, **fields: Any
) -> httpx.Response:
    """GET `page`, then POST its CSRF token with `fields` to `action` (no redirect followed)."""
    form = client.get(page, follow_redirects=False)
    assert form.status_code == 200, form.text
    return client.post(
        action, data={"csrf_token": csrf_of(form.text), **fields}, follow_redirects=False
    )


def sign_up(
    client: TestClient | httpx.Client,
    email: str,
    password: str = PASSWORD,
    next_path: str | None = None,
) -> httpx.Response:
    page = "/console/sign-up"
    if next_path is not None:
        page += "?" + str(httpx.QueryParams(next=next_path))
    fields = {"email": email, "password": password}
    if next_path is not None:
        fields["next"] = next_path
    return submit(client, page, "/console/sign-up", **fields)


def sign_in(
    client: TestClient | httpx.Client, email: str, password: str = PASSWORD
) -> httpx.Response:
    return submit(client, "/console/sign-in", "/console/sign-in", email=email, password=password)


def account_of(client: TestClient | httpx.Client) -> tuple[str, str]:
    """The signed-in user's account SID and auth token, as the console's home page shows."""
    home = client.get("/console/", follow_redirects=False)
    assert home.status_code == 200, home.text
    sid = re.search(r'id="account-sid">(AC[0-9a-f]{32})<', home.text)
    token = re.search(r'id="auth-token">([0-9a-f]{32})<', home.text)
    assert sid is not None, home.text
    assert token is not None, home.text
    return sid.group(1), token.group(1)


APP_FIELDS = {
    "FriendlyName": "Blaster",
    "CompanyName": "Blaster Inc",
    "LogoUrl": "https://blaster.example/logo.png",
    "Description": "Sends texts for you",
    "HomepageUrl": "https://blaster.example/",
    "TermsOfServiceUrl": "https://blaster.example/terms",
    "AuthorizeRedirectUrl": "https://blaster.example/connected?from=charter",
    "DeauthorizeCallbackUrl": "https://blaster.example/deauthorized",
    "DeauthorizeCallbackMethod": "POST",
    "Permissions": ["get-all", "post-all"],
}


def create_app(client: TestClient | httpx.Client, **overrides: Any) -> str:
    """A Connect app made through the console's form; its SID."""
    fields = {k: v for k, v in {**APP_FIELDS, **overrides}.items() if v is not None}
    r = submit(client, "/console/apps/new", "/console/apps/new", **fields)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location.startswith("/console/apps/CN"), location
    return location.rsplit("/", 1)[1]


def button_of(html: str) -> str:
    """The Connect button's HTML, as the app's page shows it for copying."""
    found = re.search(r'<textarea id="button-html"[^>]*>(.*?)</textarea>', html, re.S)
    assert found is not None, html
    return unescape(found.group(1))
