"""Two instances on one database: a change made through one is honoured by the other.

On PostgreSQL the second instance polls only every 30 s, so passing within 5 s proves that
LISTEN/NOTIFY woke it; on SQLite it relies on a fast poll.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from charter.settings import Settings
from charter.web.app import create_app
from tests import databases
from tests.factories import make_account, make_subaccount


@pytest.fixture
def other(settings: Settings) -> Iterator[TestClient]:
    poll = 30.0 if databases.backend() == "postgres" else 0.05
    twin = dataclasses.replace(settings, cache_poll_seconds=poll)
    with TestClient(create_app(twin), raise_server_exceptions=False) as c:
        yield c


def _eventually(check, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_suspension_on_one_instance_stops_credentials_on_the_other(
    client: TestClient, other: TestClient
) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    url = f"/2010-04-01/Accounts/{sub.sid}.json"
    sub_auth = (sub.sid, sub.auth_token)
    assert other.get(url, auth=sub_auth).status_code == 200  # now cached on the other instance
    r = client.post(url, data={"Status": "suspended"}, auth=(parent.sid, parent.auth_token))
    assert r.json()["status"] == "suspended"
    assert _eventually(lambda: other.get(url, auth=sub_auth).status_code == 401)


def test_promoted_token_replaces_the_old_one_on_the_other_instance(
    client: TestClient, other: TestClient
) -> None:
    account = make_account(client)
    url = f"/2010-04-01/Accounts/{account.sid}.json"
    old = (account.sid, account.auth_token)
    assert other.get(url, auth=old).status_code == 200
    secondary = client.post("/v1/AuthTokens/Secondary", auth=old).json()["secondary_auth_token"]
    assert client.post("/v1/AuthTokens/Promote", auth=old).json()["auth_token"] == secondary
    assert _eventually(lambda: other.get(url, auth=old).status_code == 401)
    assert other.get(url, auth=(account.sid, secondary)).status_code == 200
