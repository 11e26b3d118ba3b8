"""Factories: plain functions with keyword overrides that return the object and its secrets."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from charter.domain.models import Account, AccountType
from charter.runtime import Runtime


def runtime(client: TestClient) -> Runtime:
    rt: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return rt


def make_account(
    client: TestClient,
    friendly_name: str = "Main",
    account_type: AccountType = AccountType.FULL,
    **kwargs: Any,
) -> Account:
    """A main account, created through the service layer as the CLI does."""
    rt = runtime(client)
    assert client.portal is not None
    account, _ = client.portal.call(
        lambda: rt.accounts.create_main_account(friendly_name, account_type, **kwargs)
    )
    return account


def make_subaccount(client: TestClient, parent: Account, friendly_name: str = "Sub") -> Account:
    response = client.post(
        "/2010-04-01/Accounts.json",
        data={"FriendlyName": friendly_name},
        auth=(parent.sid, parent.auth_token),
    )
    assert response.status_code == 201, response.text
    sub = client.portal.call(lambda: runtime(client).directory.account(response.json()["sid"]))  # type: ignore[union-attr]
    assert sub is not None
    return sub
