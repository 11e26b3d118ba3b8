"""Connect apps, 2010 API: `/2010-04-01/Accounts/{AccountSid}/ConnectApps[/{Sid}].json`.

List, fetch, update and delete as Twilio has them; create (`POST …/ConnectApps.json`) is
Charter's extension (Twilio creates them in its console only). Extra fields beyond Twilio's:
`logo_url`, `terms_of_service_url`, `date_created`, `date_updated`. Managing Connect apps is
reserved to the auth token and main keys; only Full accounts create them.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from charter.domain.connect import APP_FIELDS, ConnectApp, wire_name
from charter.domain.ids import parse_sid
from charter.domain.permissions import CONNECT_APPS
from charter.web.routing import Call, Operation
from charter.web.twilio import PagingParams, Params, list_envelope, rfc2822

BASE = "/2010-04-01/Accounts/{AccountSid}"
TAGS = ("ConnectApps",)


class ConnectAppJSON(TypedDict):
    account_sid: str
    authorize_redirect_url: str | None
    company_name: str | None
    deauthorize_callback_method: str | None
    deauthorize_callback_url: str | None
    description: str | None
    friendly_name: str | None
    homepage_url: str | None
    permissions: list[str]
    sid: str
    uri: str
    logo_url: str | None
    terms_of_service_url: str | None
    date_created: str | None
    date_updated: str | None


def connect_app_json(app: ConnectApp) -> ConnectAppJSON:
    return {
        "account_sid": app.account_sid,
        "authorize_redirect_url": app.authorize_redirect_url,
        "company_name": app.company_name,
        "deauthorize_callback_method": app.deauthorize_callback_method,
        "deauthorize_callback_url": app.deauthorize_callback_url,
        "description": app.description,
        "friendly_name": app.friendly_name,
        "homepage_url": app.homepage_url,
        "permissions": list(app.permissions),
        "sid": app.sid,
        "uri": f"/2010-04-01/Accounts/{app.account_sid}/ConnectApps/{app.sid}.json",
        "logo_url": app.logo_url,
        "terms_of_service_url": app.terms_of_service_url,
        "date_created": rfc2822(app.date_created),
        "date_updated": rfc2822(app.date_updated),
    }


class ConnectAppParams(Params):
    """Twilio's update parameters, plus `LogoUrl` and `TermsOfServiceUrl` (Charter's)."""

    FriendlyName: str | None = None
    LogoUrl: str | None = None
    CompanyName: str | None = None
    Description: str | None = None
    HomepageUrl: str | None = None
    TermsOfServiceUrl: str | None = None
    AuthorizeRedirectUrl: str | None = None
    DeauthorizeCallbackUrl: str | None = None
    DeauthorizeCallbackMethod: str | None = None
    Permissions: list[str] | None = None  # repeated keys and/or comma-separated


_FIELDS = {wire_name(name): name for name in APP_FIELDS}


def _fields(params: ConnectAppParams) -> dict[str, object]:
    """The fields the request named (an update changes only these), snake_case."""
    return {_FIELDS[name]: getattr(params, name) for name in params.model_fields_set}


def _sid(call: Call) -> str:
    return parse_sid(call.request.path_params["Sid"], "CN")


async def create_app(call: Call) -> ConnectAppJSON:
    app = await call.runtime.connect.create_app(call.target, _fields(call.params), call.actor)
    return connect_app_json(app)


async def list_apps(call: Call) -> dict[str, Any]:
    params: PagingParams = call.params
    request = params.page_request()
    page = await call.runtime.connect.list_apps(call.target, request)
    path = f"/2010-04-01/Accounts/{call.target.sid}/ConnectApps.json"
    items = [connect_app_json(a) for a in page.items]
    return list_envelope("connect_apps", items, page, request, path, [])


async def fetch_app(call: Call) -> ConnectAppJSON:
    return connect_app_json(await call.runtime.connect.get_app(call.target, _sid(call)))


async def update_app(call: Call) -> ConnectAppJSON:
    app = await call.runtime.connect.update_app(
        call.target, _sid(call), _fields(call.params), call.actor
    )
    return connect_app_json(app)


async def delete_app(call: Call) -> None:
    await call.runtime.connect.delete_app(call.target, _sid(call), call.actor)


OPERATIONS = [
    Operation(
        "POST", f"{BASE}/ConnectApps.json", "CreateConnectApp",
        "Create a Connect app (Charter's extension; Full accounts only). FriendlyName, LogoUrl "
        "and CompanyName are required.",
        create_app, ConnectAppParams, ConnectAppJSON, status=201,
        permission=CONNECT_APPS["create"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/ConnectApps.json", "ListConnectApp", "The account's Connect apps.",
        list_apps, PagingParams, ConnectAppJSON, list_key="connect_apps",
        permission=CONNECT_APPS["list"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/ConnectApps/{{Sid}}.json", "FetchConnectApp", "Fetch a Connect app.",
        fetch_app, None, ConnectAppJSON, permission=CONNECT_APPS["read"], tags=TAGS,
    ),
    Operation(
        "POST", f"{BASE}/ConnectApps/{{Sid}}.json", "UpdateConnectApp",
        "Change a Connect app; removed permissions stop at once for every customer, added ones "
        "wait for each customer's new approval.",
        update_app, ConnectAppParams, ConnectAppJSON,
        permission=CONNECT_APPS["update"], tags=TAGS,
    ),
    Operation(
        "DELETE", f"{BASE}/ConnectApps/{{Sid}}.json", "DeleteConnectApp",
        "Delete a Connect app: every customer's authorization is revoked and deauthorized.",
        delete_app, None, None, status=204, permission=CONNECT_APPS["delete"], tags=TAGS,
    ),
]  # fmt: skip
