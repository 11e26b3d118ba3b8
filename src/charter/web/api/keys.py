"""API keys: 2010 `Keys.json` and `SigningKeys.json` (standard keys) and IAM v1 `/v1/Keys`
(standard, restricted with a policy, and main keys — `KeyType=main` is Charter's extension).

Secrets appear only in create responses. Keys and SigningKeys are the same objects.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from charter.domain.errors import AuthenticationRequired, InvalidParameter, NotFound
from charter.domain.ids import parse_account_sid, parse_sid
from charter.domain.keys import key_flags, parse_policy
from charter.domain.models import Account, APIKey, KeyType
from charter.domain.permissions import API_KEYS
from charter.web.routing import Call, Operation, base_url
from charter.web.twilio import PagingParams, Params, list_envelope, meta_envelope, rfc2822

BASE = "/2010-04-01/Accounts/{AccountSid}"


class KeyJSON(TypedDict):
    sid: str
    friendly_name: str | None
    date_created: str | None
    date_updated: str | None


class NewKeyJSON(KeyJSON):
    secret: str


class IAMKeyJSON(KeyJSON):
    policy: dict[str, list[str]] | None


class NewIAMKeyJSON(IAMKeyJSON):
    secret: str


class IAMKeyListItemJSON(KeyJSON):
    flags: list[str]


def key_json(key: APIKey) -> KeyJSON:
    return {
        "sid": key.sid,
        "friendly_name": key.friendly_name,
        "date_created": rfc2822(key.date_created),
        "date_updated": rfc2822(key.date_updated),
    }


def iam_key_json(key: APIKey) -> IAMKeyJSON:
    policy = None if key.policy is None else {"allow": list(key.policy)}
    return {**key_json(key), "policy": policy}


class FriendlyNameParams(Params):
    FriendlyName: str | None = None


class CreateIAMKeyParams(Params):
    AccountSid: str | None = None
    FriendlyName: str | None = None
    KeyType: str | None = None
    Policy: str | None = None


class ListIAMKeyParams(PagingParams):
    AccountSid: str | None = None


class UpdateIAMKeyParams(Params):
    FriendlyName: str | None = None
    Policy: str | None = None


def _key_sid(call: Call) -> str:
    return parse_sid(call.request.path_params["Sid"], "SK")


# ---- 2010 API ---------------------------------------------------------------------------


async def create_key(call: Call) -> NewKeyJSON:
    key, secret = await call.runtime.keys.create(
        call.target, call.params.FriendlyName, actor=call.actor
    )
    return {**key_json(key), "secret": secret}


def _list_2010(list_key: str, resource: str) -> Any:
    async def handler(call: Call) -> dict[str, Any]:
        params: PagingParams = call.params
        request = params.page_request()
        page = await call.runtime.keys.list_keys(call.target, request)
        path = f"/2010-04-01/Accounts/{call.target.sid}/{resource}.json"
        return list_envelope(list_key, [key_json(k) for k in page.items], page, request, path, [])

    return handler


async def fetch_key(call: Call) -> KeyJSON:
    return key_json(await call.runtime.keys.get(call.target, _key_sid(call)))


async def update_key(call: Call) -> KeyJSON:
    key = await call.runtime.keys.update(
        call.target, _key_sid(call), call.params.FriendlyName, actor=call.actor
    )
    return key_json(key)


async def delete_key(call: Call) -> None:
    await call.runtime.keys.delete(call.target, _key_sid(call), actor=call.actor)


def _operations_2010(resource: str, list_key: str, noun: str) -> list[Operation]:
    tags = (resource,)
    return [
        Operation(
            "POST", f"{BASE}/{resource}.json", f"Create{noun}",
            "Create a standard API key; the secret is shown only in this response.",
            create_key, FriendlyNameParams, NewKeyJSON, status=201,
            permission=API_KEYS["create"], tags=tags,
        ),
        Operation(
            "GET", f"{BASE}/{resource}.json", f"List{noun}", "The account's API keys.",
            _list_2010(list_key, resource), PagingParams, KeyJSON, list_key=list_key,
            permission=API_KEYS["list"], tags=tags,
        ),
        Operation(
            "GET", f"{BASE}/{resource}/{{Sid}}.json", f"Fetch{noun}", "Fetch an API key.",
            fetch_key, None, KeyJSON, permission=API_KEYS["read"], tags=tags,
        ),
        Operation(
            "POST", f"{BASE}/{resource}/{{Sid}}.json", f"Update{noun}", "Rename an API key.",
            update_key, FriendlyNameParams, KeyJSON, permission=API_KEYS["update"], tags=tags,
        ),
        Operation(
            "DELETE", f"{BASE}/{resource}/{{Sid}}.json", f"Delete{noun}",
            "Delete an API key; it stops working at once.",
            delete_key, None, None, status=204, permission=API_KEYS["delete"], tags=tags,
        ),
    ]  # fmt: skip


# ---- IAM v1 -----------------------------------------------------------------------------


async def _account_param(call: Call, raw: str | None) -> Account:
    if raw is None:
        raise InvalidParameter("Required parameter AccountSid is missing")
    return await call.runtime.accounts.resolve(call.acting, parse_account_sid(raw))


async def _reachable_key(call: Call) -> tuple[Account, APIKey]:
    sid = _key_sid(call)
    key = await call.runtime.keys.find(sid)
    try:
        if key is None:
            raise NotFound("unknown key")
        account = await call.runtime.accounts.resolve(call.acting, key.account_sid)
    except NotFound:
        raise NotFound(f"The requested resource /v1/Keys/{sid} was not found") from None
    return account, key


async def create_iam_key(call: Call) -> NewIAMKeyJSON:
    params: CreateIAMKeyParams = call.params
    account = await _account_param(call, params.AccountSid)
    kinds = {None: KeyType.STANDARD, "restricted": KeyType.RESTRICTED, "main": KeyType.MAIN}
    if params.KeyType not in kinds:
        raise InvalidParameter("KeyType must be restricted or main (omit it for a standard key)")
    key_type = kinds[params.KeyType]
    if key_type is KeyType.MAIN and call.acting.kind != "auth_token":
        raise AuthenticationRequired("Only the account's auth token can create main keys")
    policy = None if params.Policy is None else parse_policy(params.Policy)
    key, secret = await call.runtime.keys.create(
        account, params.FriendlyName, key_type, policy, actor=call.actor
    )
    return {**iam_key_json(key), "secret": secret}


async def list_iam_keys(call: Call) -> dict[str, Any]:
    params: ListIAMKeyParams = call.params
    account = await _account_param(call, params.AccountSid)
    request = params.page_request()
    page = await call.runtime.keys.list_keys(account, request)
    items = [{**key_json(k), "flags": key_flags(k)} for k in page.items]
    url = f"{base_url(call)}/v1/Keys"
    return meta_envelope("keys", items, page, request, url, [("AccountSid", account.sid)])


async def fetch_iam_key(call: Call) -> IAMKeyJSON:
    _, key = await _reachable_key(call)
    return iam_key_json(key)


async def update_iam_key(call: Call) -> IAMKeyJSON:
    params: UpdateIAMKeyParams = call.params
    account, key = await _reachable_key(call)
    policy = None if params.Policy is None else parse_policy(params.Policy)
    updated = await call.runtime.keys.update(
        account, key.sid, params.FriendlyName, policy, actor=call.actor
    )
    return iam_key_json(updated)


async def delete_iam_key(call: Call) -> None:
    account, key = await _reachable_key(call)
    await call.runtime.keys.delete(account, key.sid, actor=call.actor)


IAM_TAGS = ("IAM Keys",)

OPERATIONS = [
    *_operations_2010("Keys", "keys", "Key"),
    *_operations_2010("SigningKeys", "signing_keys", "SigningKey"),
    Operation(
        "POST", "/v1/Keys", "CreateNewKey",
        "Create a standard, restricted (KeyType=restricted, Policy) or main (KeyType=main) key.",
        create_iam_key, CreateIAMKeyParams, NewIAMKeyJSON, status=201,
        permission=API_KEYS["create"], tags=IAM_TAGS,
    ),
    Operation(
        "GET", "/v1/Keys", "ListGetKeys", "The keys of AccountSid, with their flags.",
        list_iam_keys, ListIAMKeyParams, IAMKeyListItemJSON, list_key="keys",
        permission=API_KEYS["list"], tags=IAM_TAGS,
    ),
    Operation(
        "GET", "/v1/Keys/{Sid}", "FetchIamKey", "Fetch a key and its policy.",
        fetch_iam_key, None, IAMKeyJSON, permission=API_KEYS["read"], tags=IAM_TAGS,
    ),
    Operation(
        "POST", "/v1/Keys/{Sid}", "UpdateIamKey",
        "Rename a key or replace a restricted key's policy.",
        update_iam_key, UpdateIAMKeyParams, IAMKeyJSON,
        permission=API_KEYS["update"], tags=IAM_TAGS,
    ),
    Operation(
        "DELETE", "/v1/Keys/{Sid}", "DeleteIamKey", "Delete a key; it stops working at once.",
        delete_iam_key, None, None, status=204, permission=API_KEYS["delete"], tags=IAM_TAGS,
    ),
]  # fmt: skip
