"""OAuth apps: IAM v1 `/v1/Account/OAuthApps` (Twilio's create, update and delete, JSON bodies),
plus Charter's list, fetch, secret rotation and previous-secret revocation.

The account is always the authenticated credential's own. The secret appears only in the create
and rotate responses. Managing apps is reserved to the auth token and main keys.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from charter.domain.errors import InvalidParameter
from charter.domain.ids import parse_sid
from charter.domain.models import Account
from charter.domain.oauth_apps import AUTH_METHODS, OAuthApp
from charter.domain.permissions import OAUTH_APPS
from charter.web.json_body import JSONParams
from charter.web.routing import Call, Operation, base_url
from charter.web.twilio import PagingParams, iso8601, meta_envelope

PATH = "/v1/Account/OAuthApps"
TAGS = ("IAM OAuth apps",)


class PolicyJSON(TypedDict):
    allow: list[str]
    deny: list[str]


class AppJSON(TypedDict):
    type: str
    sid: str
    account_sid: str
    friendly_name: str
    description: str | None
    company_name: str | None
    logo_url: str | None
    homepage_url: str | None
    terms_url: str | None
    policy: PolicyJSON
    access_token_ttl: int
    status: str
    created_by: str
    creator_sid: str
    date_created: str | None
    date_updated: str | None
    url: str


class NewAppJSON(AppJSON):
    secret: str


class RotationJSON(TypedDict):
    sid: str
    secret: str
    previous_secret_expires_at: str | None
    date_rotated: str | None


class PolicyBody(JSONParams):
    allow: list[str] | None = None
    deny: list[str] | None = None


class UpdateAppBody(JSONParams):
    type: str | None = None
    friendly_name: str | None = None
    description: str | None = None
    policy: PolicyBody | None = None
    access_token_ttl: int | None = None
    token_endpoint_auth_method: str | None = None
    company_name: str | None = None
    logo_url: str | None = None
    homepage_url: str | None = None
    terms_url: str | None = None
    tos_url: str | None = None  # Twilio's name for terms_url on organization apps


class CreateAppBody(UpdateAppBody):
    owner_sid: str | None = None
    client_sid: str | None = None


class RotateBody(JSONParams):
    grace_period_seconds: int | None = None


_APP_FIELDS = ("type", "friendly_name", "description", "policy", "access_token_ttl",
               "company_name", "logo_url", "homepage_url", "terms_url")  # fmt: skip


def app_json(app: OAuthApp, base: str) -> AppJSON:
    return {
        "type": app.type,
        "sid": app.sid,
        "account_sid": app.account_sid,
        "friendly_name": app.friendly_name,
        "description": app.description,
        "company_name": app.company_name,
        "logo_url": app.logo_url,
        "homepage_url": app.homepage_url,
        "terms_url": app.terms_url,
        "policy": {"allow": list(app.policy.allow), "deny": list(app.policy.deny)},
        "access_token_ttl": app.access_token_ttl,
        "status": app.status.value,
        "created_by": app.created_by,
        "creator_sid": app.created_by,
        "date_created": iso8601(app.date_created),
        "date_updated": iso8601(app.date_updated),
        "url": f"{base}{PATH}/{app.sid}",
    }


def _fields(body: UpdateAppBody) -> dict[str, object]:
    """The app fields the body names (PUT: only these change), as JSON values."""
    given = body.model_fields_set
    method = body.token_endpoint_auth_method
    if method is not None and method not in AUTH_METHODS:  # accepted, not stored: both work
        raise InvalidParameter(
            f"token_endpoint_auth_method must be one of: {', '.join(AUTH_METHODS)}"
        )
    if "tos_url" in given:
        if "terms_url" in given and body.terms_url != body.tos_url:
            raise InvalidParameter("terms_url and tos_url name the same field; give one")
        given = (given - {"tos_url"}) | {"terms_url"}
        body = body.model_copy(update={"terms_url": body.tos_url})
    return body.model_dump(include=given & set(_APP_FIELDS))


async def _account(call: Call) -> Account:
    return await call.runtime.accounts.resolve(call.acting, call.acting.account_sid)


def _sid(call: Call) -> str:
    return parse_sid(call.request.path_params["Sid"], "OQ")


async def create_app(call: Call) -> NewAppJSON:
    body: CreateAppBody = call.params
    account = await _account(call)
    if body.owner_sid is not None and body.owner_sid != account.sid:
        raise InvalidParameter("owner_sid must be the SID of the authenticated account")
    if body.client_sid is not None:
        raise InvalidParameter("client_sid cannot be chosen: an app's sid is its client_id")
    app, secret = await call.runtime.oauth_apps.create(account, _fields(body), call.actor)
    return {**app_json(app, base_url(call)), "secret": secret}


async def list_apps(call: Call) -> dict[str, Any]:
    params: PagingParams = call.params
    account = await _account(call)
    request = params.page_request()
    page = await call.runtime.oauth_apps.list_apps(account, request)
    base = base_url(call)
    items = [app_json(app, base) for app in page.items]
    return meta_envelope("oauth_apps", items, page, request, f"{base}{PATH}", [])


async def fetch_app(call: Call) -> AppJSON:
    app = await call.runtime.oauth_apps.get(await _account(call), _sid(call))
    return app_json(app, base_url(call))


async def update_app(call: Call) -> AppJSON:
    body: UpdateAppBody = call.params
    account = await _account(call)
    app = await call.runtime.oauth_apps.update(account, _sid(call), _fields(body), call.actor)
    return app_json(app, base_url(call))


async def delete_app(call: Call) -> None:
    await call.runtime.oauth_apps.delete(await _account(call), _sid(call), call.actor)


async def rotate_secret(call: Call) -> RotationJSON:
    body: RotateBody = call.params
    account = await _account(call)
    rotation = await call.runtime.oauth_apps.rotate_secret(
        account, _sid(call), body.grace_period_seconds, call.actor
    )
    return {
        "sid": rotation.app.sid,
        "secret": rotation.secret,
        "previous_secret_expires_at": iso8601(rotation.previous_expires_at),
        "date_rotated": iso8601(rotation.rotated_at),
    }


async def revoke_previous_secret(call: Call) -> None:
    await call.runtime.oauth_apps.revoke_previous_secret(
        await _account(call), _sid(call), call.actor
    )


OPERATIONS = [
    Operation(
        "POST", PATH, "CreateOAuthApp",
        "Create an OAuth app (client_credentials); the secret is shown only in this response.",
        create_app, CreateAppBody, NewAppJSON, status=201,
        permission=OAUTH_APPS["create"], tags=TAGS, body="json",
    ),
    Operation(
        "GET", PATH, "ListOAuthApp", "The account's OAuth apps (Charter's extension).",
        list_apps, PagingParams, AppJSON, list_key="oauth_apps",
        permission=OAUTH_APPS["list"], tags=TAGS,
    ),
    Operation(
        "GET", f"{PATH}/{{Sid}}", "FetchOAuthApp", "Fetch an OAuth app (Charter's extension).",
        fetch_app, None, AppJSON, permission=OAUTH_APPS["read"], tags=TAGS,
    ),
    Operation(
        "PUT", f"{PATH}/{{Sid}}", "UpdateOAuthApp",
        "Replace the fields the body names; the others are kept.",
        update_app, UpdateAppBody, AppJSON,
        permission=OAUTH_APPS["update"], tags=TAGS, body="json",
    ),
    Operation(
        "DELETE", f"{PATH}/{{Sid}}", "DeleteOAuthApp",
        "Delete an OAuth app and its secrets; its credentials stop working at once.",
        delete_app, None, None, status=204, permission=OAUTH_APPS["delete"], tags=TAGS,
    ),
    Operation(
        "POST", f"{PATH}/{{Sid}}/secret", "RotateOAuthAppSecret",
        "A new secret; the previous one stays valid for grace_period_seconds (default 86400).",
        rotate_secret, RotateBody, RotationJSON,
        permission=OAUTH_APPS["update"], tags=TAGS, body="json",
    ),
    Operation(
        "DELETE", f"{PATH}/{{Sid}}/secret/previous", "RevokePreviousOAuthAppSecret",
        "Invalidate the previous secret at once (after a compromise).",
        revoke_previous_secret, None, None, status=204,
        permission=OAUTH_APPS["update"], tags=TAGS,
    ),
]  # fmt: skip
