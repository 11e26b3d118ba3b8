"""Shared helpers for the OAuth tests: apps made through the service, tokens fetched over HTTP."""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.testclient import TestClient

from charter.domain.events import SYSTEM
from charter.domain.models import Account
from charter.domain.oauth_apps import OAuthApp
from tests.factories import runtime

CALLS_LIST = "/twilio/voice/calls/list"


def make_app(
    client: TestClient,
    account: Account,
    allow: list[str] | None = None,
    deny: list[str] | None = None,
    ttl: int | None = None,
) -> tuple[OAuthApp, str]:
    rt = runtime(client)
    raw: dict[str, Any] = {
        "friendly_name": "Test app",
        "policy": {"allow": allow or [CALLS_LIST], "deny": deny or []},
    }
    if ttl is not None:
        raw["access_token_ttl"] = ttl
    assert client.portal is not None
    return client.portal.call(lambda: rt.oauth_apps.create(account, raw, SYSTEM))


def fetch_token(
    client: TestClient, app_sid: str, secret: str, path: str = "/v2/token", **form: str
) -> Any:
    response = client.post(
        path, data={"grant_type": "client_credentials", **form}, auth=(app_sid, secret)
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def segment(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
