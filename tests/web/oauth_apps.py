"""Helpers for the OAuth app tests: create an app over HTTP, read its secrets from the service."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from charter.domain.models import Account
from charter.domain.oauth_apps import AppSecret, OAuthApp
from tests.factories import runtime

PATH = "/v1/Account/OAuthApps"
READ = "/twilio/messaging/messages/read"
BODY: dict[str, Any] = {
    "type": "client_credentials",
    "friendly_name": "Acme",
    "policy": {"allow": [READ]},
}


def auth(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def create(client: TestClient, account: Account, **fields: Any) -> Any:
    """A new app of `account` (the create response, secret included)."""
    r = client.post(PATH, json={**BODY, **fields}, auth=auth(account))
    assert r.status_code == 201, r.text
    return r.json()


def credentials(client: TestClient, sid: str) -> tuple[OAuthApp, list[AppSecret]] | None:
    rt = runtime(client)
    return client.portal.call(rt.oauth_apps.credentials, sid)  # type: ignore[union-attr]
