"""Accounts and subaccounts, 2010 API: `/2010-04-01/Accounts[/{AccountSid}].json`."""

from __future__ import annotations

import functools
from typing import Any, Literal

from typing_extensions import TypedDict

from charter.domain.models import Account, AccountStatus
from charter.domain.permissions import ACCOUNTS, reveals_auth_tokens
from charter.web.routing import Call, Operation
from charter.web.twilio import PagingParams, Params, list_envelope, rfc2822

BASE = "/2010-04-01/Accounts"

_SUBRESOURCES = {
    "available_phone_numbers": "AvailablePhoneNumbers",
    "calls": "Calls",
    "conferences": "Conferences",
    "incoming_phone_numbers": "IncomingPhoneNumbers",
    "notifications": "Notifications",
    "outgoing_caller_ids": "OutgoingCallerIds",
    "recordings": "Recordings",
    "transcriptions": "Transcriptions",
    "addresses": "Addresses",
    "signing_keys": "SigningKeys",
    "connect_apps": "ConnectApps",
    "sip": "SIP",
    "authorized_connect_apps": "AuthorizedConnectApps",
    "usage": "Usage",
    "keys": "Keys",
    "applications": "Applications",
    "short_codes": "SMS/ShortCodes",
    "queues": "Queues",
    "messages": "Messages",
    "balance": "Balance",
}


class AccountJSON(TypedDict):
    sid: str
    owner_account_sid: str
    friendly_name: str
    status: Literal["active", "suspended", "closed"]
    type: Literal["Trial", "Full"]
    auth_token: str | None
    date_created: str | None
    date_updated: str | None
    uri: str
    subresource_uris: dict[str, str]


@functools.lru_cache(maxsize=4096)
def account_json(account: Account) -> AccountJSON:
    """The wire form of `account`, cached per (immutable) account value; never mutate it."""
    base = f"{BASE}/{account.sid}"
    return {
        "sid": account.sid,
        "owner_account_sid": account.owner_account_sid,
        "friendly_name": account.friendly_name,
        "status": account.status.value,
        "type": account.type.value,
        "auth_token": account.auth_token,
        "date_created": rfc2822(account.date_created),
        "date_updated": rfc2822(account.date_updated),
        "uri": f"{base}.json",
        "subresource_uris": {key: f"{base}/{name}.json" for key, name in _SUBRESOURCES.items()},
    }


def _shown(call: Call, account: Account) -> AccountJSON:
    """`account`'s wire form as the caller may see it (a Connect app never sees auth tokens)."""
    body = account_json(account)
    if reveals_auth_tokens(call.acting):
        return body
    return {**body, "auth_token": None}


class CreateAccountParams(Params):
    FriendlyName: str | None = None


class ListAccountParams(PagingParams):
    FriendlyName: str | None = None
    Status: AccountStatus | None = None


class UpdateAccountParams(Params):
    FriendlyName: str | None = None
    Status: AccountStatus | None = None


async def create_account(call: Call) -> AccountJSON:
    account = await call.runtime.accounts.create_subaccount(
        call.acting, call.params.FriendlyName, actor=call.actor
    )
    return account_json(account)


async def list_accounts(call: Call) -> dict[str, Any]:
    params: ListAccountParams = call.params
    request = params.page_request()
    page = await call.runtime.accounts.list_accounts(
        call.acting, request, friendly_name=params.FriendlyName, status=params.Status
    )
    filters = [(k, v) for k, v in call.query_pairs if k in ("FriendlyName", "Status")]
    items = [_shown(call, a) for a in page.items]
    return list_envelope("accounts", items, page, request, f"{BASE}.json", filters)


async def fetch_account(call: Call) -> AccountJSON:
    return _shown(call, call.target)


async def update_account(call: Call) -> AccountJSON:
    params: UpdateAccountParams = call.params
    account = await call.runtime.accounts.update(
        call.acting, call.target, params.FriendlyName, params.Status, actor=call.actor
    )
    return account_json(account)


OPERATIONS = [
    Operation(
        "POST",
        f"{BASE}.json",
        "CreateAccount",
        "Create a subaccount of the calling account.",
        create_account,
        CreateAccountParams,
        AccountJSON,
        status=201,
        permission=ACCOUNTS["create"],
        tags=("Accounts",),
    ),
    Operation(
        "GET",
        f"{BASE}.json",
        "ListAccount",
        "The calling account and its subaccounts, filtered by FriendlyName and Status.",
        list_accounts,
        ListAccountParams,
        AccountJSON,
        list_key="accounts",
        permission=ACCOUNTS["list"],
        tags=("Accounts",),
    ),
    Operation(
        "GET",
        f"{BASE}/{{AccountSid}}.json",
        "FetchAccount",
        "Fetch an account.",
        fetch_account,
        None,
        AccountJSON,
        permission=ACCOUNTS["read"],
        tags=("Accounts",),
    ),
    Operation(
        "POST",
        f"{BASE}/{{AccountSid}}.json",
        "UpdateAccount",
        "Rename an account, or suspend, reactivate or close a subaccount (closing is final).",
        update_account,
        UpdateAccountParams,
        AccountJSON,
        permission=ACCOUNTS["update"],
        tags=("Accounts",),
    ),
]
