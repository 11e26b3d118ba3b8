"""Helpers for the Connect tests: a developer's app over HTTP, a customer's approval through the
service (the consent page's path), and the app's credentials."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from charter.domain.connect import Authorization
from charter.domain.events import CONSOLE, Actor
from charter.domain.ids import AccountSid
from charter.domain.models import Account
from tests.factories import make_account, runtime

USER = "US" + "1" * 32
FIELDS: dict[str, Any] = {
    "FriendlyName": "Blaster",
    "LogoUrl": "https://blaster.example/logo.png",
    "CompanyName": "Blaster Inc",
    "Description": "Sends texts",
    "HomepageUrl": "https://blaster.example",
    "TermsOfServiceUrl": "https://blaster.example/terms",
    "AuthorizeRedirectUrl": "https://blaster.example/connected",
    "DeauthorizeCallbackUrl": "https://blaster.example/deauthorized",
    "Permissions": ["get-all", "post-all"],
}


def basic(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def apps_path(account: Account) -> str:
    return f"/2010-04-01/Accounts/{account.sid}/ConnectApps"


def create_app(client: TestClient, developer: Account, **fields: Any) -> Any:
    """A new Connect app of `developer` (the create response)."""
    form = {k: v for k, v in {**FIELDS, **fields}.items() if v is not None}
    r = client.post(f"{apps_path(developer)}.json", data=form, auth=basic(developer))
    assert r.status_code == 201, r.text
    return r.json()


def approve(client: TestClient, customer: Account, app_sid: str) -> tuple[Authorization, str]:
    """The customer's approval, as the consent page makes it (user `USER`, from the console)."""
    rt = runtime(client)
    actor = Actor("user", USER, CONSOLE)
    assert client.portal is not None
    return client.portal.call(rt.connect.authorize, customer, app_sid, USER, actor)


def revoke(client: TestClient, customer: Account, app_sid: str) -> Any:
    return client.delete(
        f"/2010-04-01/Accounts/{customer.sid}/AuthorizedConnectApps/{app_sid}.json",
        auth=basic(customer),
    )


def subaccount(client: TestClient, sid: str) -> Account:
    assert client.portal is not None
    found = client.portal.call(runtime(client).directory.account, AccountSid(sid))
    assert found is not None
    return found


def connected(
    client: TestClient, permissions: tuple[str, ...] = ("get-all", "post-all"), **fields: Any
) -> tuple[Account, Account, Any, Authorization]:
    """A developer with an app, a customer who approved it: (developer, customer, app JSON,
    authorization)."""
    developer = make_account(client, "Developer")
    customer = make_account(client, "Customer")
    app = create_app(client, developer, Permissions=list(permissions), **fields)
    authorization, _ = approve(client, customer, app["sid"])
    return developer, customer, app, authorization


def as_app(authorization: Authorization, developer: Account) -> tuple[str, str]:
    """The app's HTTP Basic credentials: the dedicated subaccount and the developer's token."""
    return (authorization.subaccount_sid, developer.auth_token)
