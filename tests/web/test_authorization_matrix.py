"""The authorization matrix: every route in the route table × every kind of credential (auth
token, main/standard/restricted keys, OAuth access tokens with and without the permission,
subaccount and stranger).

Generated from the catalogue, so a new route is covered the day it is added. Each request uses
the owner's account in the path (or `AccountSid` parameter) and well-formed but unknown SIDs for
other path parameters: a handler may then answer 404 for the resource, 400 for the input, or
succeed; what matters here is whether authorization let the request through. Refusals are
recognised by their codes: 20003/70051 (credential may not use the permission) or a 404 naming
the owner's account (the account is not reachable with this credential).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

import httpx
import pytest
from starlette.testclient import TestClient

from charter.domain.models import Account
from charter.web.api import operations
from charter.web.routing import Operation
from tests.factories import make_account, make_subaccount

OPERATIONS = operations()
PREFIXES = {"Keys": "SK", "SigningKeys": "SK", "IncomingPhoneNumbers": "PN", "Messages": "SM",
            "Calls": "CA", "Recordings": "RE", "Events": "AE", "OAuthApps": "OQ"}  # fmt: skip


@dataclass
class World:
    owner: Account
    sub: Account
    stranger: Account
    creds: dict[str, tuple[str, str] | str]  # HTTP Basic pairs, or a Bearer access token


def _key(client: TestClient, account: Account, **form: str) -> tuple[str, str]:
    r = client.post(
        "/v1/Keys", data={"AccountSid": account.sid, **form}, auth=(account.sid, account.auth_token)
    )
    assert r.status_code == 201, r.text
    return (r.json()["sid"], r.json()["secret"])


def _token(client: TestClient, account: Account, allow: str) -> str:
    """An access token of a new OAuth app of `account` whose policy allows `allow` only."""
    app = client.post(
        "/v1/Account/OAuthApps",
        json={"friendly_name": "Matrix", "policy": {"allow": [allow]}},
        auth=(account.sid, account.auth_token),
    )
    assert app.status_code == 201, app.text
    r = client.post(
        "/v2/token",
        data={"grant_type": "client_credentials"},
        auth=(app.json()["sid"], app.json()["secret"]),
    )
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def _world(client: TestClient, op: Operation) -> World:
    owner = make_account(client, "Owner")
    sub = make_subaccount(client, owner)
    stranger = make_account(client, "Stranger")
    with_permission: tuple[str, str] | None = None
    if op.permission is not None and op.permission.grantable:
        policy = json.dumps({"allow": [op.permission.name]})
        with_permission = _key(client, owner, KeyType="restricted", Policy=policy)
    other = (
        "/twilio/billing/usage/read"
        if op.permission and op.permission.resource != "usage"
        else ("/twilio/billing/balance/read")
    )
    creds: dict[str, tuple[str, str] | str] = {
        "auth_token": (owner.sid, owner.auth_token),
        "main_key": _key(client, owner, KeyType="main"),
        "standard_key": _key(client, owner),
        "restricted_without": _key(
            client, owner, KeyType="restricted", Policy=json.dumps({"allow": [other]})
        ),
        "subaccount": (sub.sid, sub.auth_token),
        "stranger": (stranger.sid, stranger.auth_token),
    }
    creds["oauth_without"] = _token(client, owner, other)
    if with_permission is not None:
        creds["restricted_with"] = with_permission
        assert op.permission is not None
        creds["oauth_with"] = _token(client, owner, op.permission.name)
    return World(owner, sub, stranger, creds)


def _request(
    client: TestClient, op: Operation, world: World, cred: tuple[str, str] | str
) -> httpx.Response:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "AccountSid":
            return world.owner.sid
        if name == "CountryCode":
            return "US"
        if name == "Type":
            return "Local"
        prefix = re.search(r"/(\w+)/\{" + name + r"\}", op.path)
        kind = PREFIXES.get(prefix.group(1) if prefix else "", "SK")
        return kind + uuid.uuid4().hex

    path = re.sub(r"{(\w+)}", fill, op.path)
    form = {"AccountSid": world.owner.sid}
    auth = cred if isinstance(cred, tuple) else None
    headers = {"Authorization": f"Bearer {cred}"} if isinstance(cred, str) else None
    response: httpx.Response
    if op.method in ("POST", "PUT") and op.body == "json":
        response = client.request(op.method, path, json=form, auth=auth, headers=headers)
    elif op.method in ("POST", "PUT"):
        response = client.request(op.method, path, data=form, auth=auth, headers=headers)
    else:
        query = form if op.method == "GET" else None
        response = client.request(op.method, path, params=query, auth=auth, headers=headers)
    return response


def _refused(response: httpx.Response, world: World) -> bool:
    if response.status_code == 401:
        return bool(response.json()["code"] in (20003, 70051))
    account_404 = (
        f"The requested resource /2010-04-01/Accounts/{world.owner.sid}.json was not found"
    )
    return response.status_code == 404 and bool(response.json()["message"] == account_404)


def _expected(op: Operation, credential: str) -> bool:
    """True when `credential` must get through authorization for `op`."""
    perm = op.permission
    acts_on_own_account = "{AccountSid}" not in op.path and op.path != "/v1/Keys"
    if credential in ("auth_token", "main_key"):
        return True
    if credential == "standard_key":
        return perm is None or not perm.is_management
    if credential in ("restricted_with", "oauth_with"):
        return perm is not None and perm.grantable
    if credential in ("restricted_without", "oauth_without"):
        return False
    # subaccount and stranger credentials act on their own account where there is no path account
    return acts_on_own_account and (perm is None or perm.product in ("iam", "monitor"))


CREDENTIALS = ["auth_token", "main_key", "standard_key", "restricted_with", "restricted_without",
               "oauth_with", "oauth_without", "subaccount", "stranger"]  # fmt: skip


@pytest.mark.parametrize("op", OPERATIONS, ids=[f"{o.method} {o.path}" for o in OPERATIONS])
def test_route_authorization_matrix(client: TestClient, op: Operation) -> None:
    world = _world(client, op)
    for credential in CREDENTIALS:
        if credential not in world.creds:
            continue
        response = _request(client, op, world, world.creds[credential])
        assert response.status_code != 500, (credential, response.text)
        refused = _refused(response, world)
        assert refused != _expected(op, credential), (
            credential,
            response.status_code,
            response.text,
        )
