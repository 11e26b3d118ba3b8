"""The authorization matrix's Connect columns: every route × a Connect app's credentials, on the
customer's main account and on the app's dedicated subaccount, with get-all + post-all and with
get-all alone.

Generated from the route table like `test_authorization_matrix.py` (whose conventions it follows:
unknown SIDs for other path parameters; refusals are 20003/70051 or a 404 naming the account).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import httpx
import pytest
from starlette.testclient import TestClient

from charter.domain.permissions import connect_requirement
from charter.web.api import operations
from charter.web.routing import Operation
from tests.web.connect import approve, as_app, connected, create_app

OPERATIONS = operations()
PREFIXES = {"Keys": "SK", "SigningKeys": "SK", "IncomingPhoneNumbers": "PN", "Messages": "SM",
            "Calls": "CA", "Recordings": "RE", "Events": "AE", "OAuthApps": "OQ",
            "ConnectApps": "CN", "AuthorizedConnectApps": "CN"}  # fmt: skip


@dataclass
class Column:
    target: str  # the account in the path (and in an `AccountSid` parameter)
    creds: tuple[str, str]
    permissions: frozenset[str]


def _request(client: TestClient, op: Operation, column: Column) -> httpx.Response:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "AccountSid":
            return column.target
        if name in ("CountryCode", "Type"):
            return "US" if name == "CountryCode" else "Local"
        prefix = re.search(r"/(\w+)/\{" + name + r"\}", op.path)
        return PREFIXES.get(prefix.group(1) if prefix else "", "SK") + uuid.uuid4().hex

    path = re.sub(r"{(\w+)}", fill, op.path)
    form = {"AccountSid": column.target}
    response: httpx.Response
    if op.method in ("POST", "PUT") and op.body == "json":
        response = client.request(op.method, path, json=form, auth=column.creds)
    elif op.method in ("POST", "PUT"):
        response = client.request(op.method, path, data=form, auth=column.creds)
    else:
        query = form if op.method == "GET" else None
        response = client.request(op.method, path, params=query, auth=column.creds)
    return response


def _refused(response: httpx.Response, column: Column) -> bool:
    if response.status_code == 401:
        return bool(response.json()["code"] in (20003, 70051))
    missing = f"The requested resource /2010-04-01/Accounts/{column.target}.json was not found"
    return response.status_code == 404 and bool(response.json()["message"] == missing)


def _expected(op: Operation, column: Column, dedicated: bool) -> bool:
    """True when the Connect app must get through authorization for `op` in `column`."""
    if op.permission is None:
        return True
    needed = connect_requirement(op.permission)
    if needed is None or needed not in column.permissions:
        return False
    # Reads reach every account of the customer; writes only the dedicated subaccount.
    return op.method == "GET" or dedicated or "{AccountSid}" not in op.path


@pytest.mark.parametrize("op", OPERATIONS, ids=[f"{o.method} {o.path}" for o in OPERATIONS])
def test_connect_authorization_matrix(client: TestClient, op: Operation) -> None:
    developer, customer, app, full = connected(client)
    reader_app = create_app(client, developer, FriendlyName="Reader", Permissions="get-all")
    reader, _ = approve(client, customer, reader_app["sid"])
    both, get_all = frozenset({"get-all", "post-all"}), frozenset({"get-all"})
    app_creds, reader_creds = as_app(full, developer), as_app(reader, developer)
    columns = {
        "customer": (Column(customer.sid, app_creds, both), False),
        "dedicated": (Column(full.subaccount_sid, app_creds, both), True),
        "reader_customer": (Column(customer.sid, reader_creds, get_all), False),
        "reader_dedicated": (Column(reader.subaccount_sid, reader_creds, get_all), True),
    }
    for name, (column, dedicated) in columns.items():
        response = _request(client, op, column)
        assert response.status_code != 500, (name, response.text)
        assert _refused(response, column) != _expected(op, column, dedicated), (
            name,
            response.status_code,
            response.text,
        )
