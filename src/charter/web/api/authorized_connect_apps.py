"""Authorized Connect apps, 2010 API: the Connect apps a customer (main account) authorized,
keyed by the Connect app's SID: `/2010-04-01/Accounts/{AccountSid}/AuthorizedConnectApps[/{Sid}]`.

List and fetch as Twilio has them (plus `date_created`/`date_updated`, which Twilio's older
documents had); `DELETE` revokes the authorization (Charter's extension: Twilio revokes in its
console only). Only the customer's auth token and main keys reach them.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from charter.domain.connect import PERMISSIONS, Authorization, ConnectApp, usable_permissions
from charter.domain.ids import parse_sid
from charter.domain.permissions import AUTHORIZED_CONNECT_APPS
from charter.web.routing import Call, Operation
from charter.web.twilio import PagingParams, list_envelope, rfc2822

BASE = "/2010-04-01/Accounts/{AccountSid}/AuthorizedConnectApps"
TAGS = ("AuthorizedConnectApps",)


class AuthorizedConnectAppJSON(TypedDict):
    account_sid: str
    connect_app_company_name: str | None
    connect_app_description: str | None
    connect_app_friendly_name: str | None
    connect_app_homepage_url: str | None
    connect_app_sid: str
    permissions: list[str]
    uri: str
    date_created: str | None
    date_updated: str | None


def authorized_app_json(authorization: Authorization, app: ConnectApp) -> AuthorizedConnectAppJSON:
    """The wire form; `permissions` are the ones the app may use now (approved and still asked
    for)."""
    usable = usable_permissions(authorization, app)
    customer = authorization.customer_account_sid
    return {
        "account_sid": customer,
        "connect_app_company_name": app.company_name,
        "connect_app_description": app.description,
        "connect_app_friendly_name": app.friendly_name,
        "connect_app_homepage_url": app.homepage_url,
        "connect_app_sid": app.sid,
        "permissions": [p for p in PERMISSIONS if p in usable],
        "uri": f"/2010-04-01/Accounts/{customer}/AuthorizedConnectApps/{app.sid}.json",
        "date_created": rfc2822(authorization.date_created),
        "date_updated": rfc2822(authorization.date_updated),
    }


def _sid(call: Call) -> str:
    return parse_sid(call.request.path_params["Sid"], "CN")


async def list_authorized(call: Call) -> dict[str, Any]:
    params: PagingParams = call.params
    request = params.page_request()
    page = await call.runtime.connect.authorized_apps(call.target, request)
    items = [authorized_app_json(a, app) for a, app in page.items]
    path = BASE.replace("{AccountSid}", call.target.sid) + ".json"
    # Rows have no `sid` of their own (they are keyed by the app's), so pages go by number.
    return list_envelope("authorized_connect_apps", items, page, request, path, [], cursor=False)


async def fetch_authorized(call: Call) -> AuthorizedConnectAppJSON:
    authorization, app = await call.runtime.connect.authorized_app(call.target, _sid(call))
    return authorized_app_json(authorization, app)


async def revoke(call: Call) -> None:
    await call.runtime.connect.revoke(call.target, _sid(call), call.actor)


OPERATIONS = [
    Operation(
        "GET", f"{BASE}.json", "ListAuthorizedConnectApp",
        "The Connect apps this account authorized.",
        list_authorized, PagingParams, AuthorizedConnectAppJSON,
        list_key="authorized_connect_apps", permission=AUTHORIZED_CONNECT_APPS["list"],
        tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/{{Sid}}.json", "FetchAuthorizedConnectApp",
        "Fetch an authorized Connect app by its Connect app SID.",
        fetch_authorized, None, AuthorizedConnectAppJSON,
        permission=AUTHORIZED_CONNECT_APPS["read"], tags=TAGS,
    ),
    Operation(
        "DELETE", f"{BASE}/{{Sid}}.json", "DeleteAuthorizedConnectApp",
        "Revoke the authorization (Charter's extension): the app is refused at once and its "
        "Deauthorize URL is called.",
        revoke, None, None, status=204, permission=AUTHORIZED_CONNECT_APPS["delete"],
        tags=TAGS,
    ),
]  # fmt: skip
