"""Auth-token rotation, accounts.twilio.com v1: `/v1/AuthTokens/Secondary` and `/Promote`.

These act on the authenticated account itself; dates are ISO 8601 as in every v1 API.
"""

from __future__ import annotations

from typing_extensions import TypedDict

from charter.domain.permissions import AUTH_TOKENS
from charter.web.routing import Call, Operation, base_url
from charter.web.twilio import iso8601

SECONDARY = "/v1/AuthTokens/Secondary"
PROMOTE = "/v1/AuthTokens/Promote"


class SecondaryAuthTokenJSON(TypedDict):
    account_sid: str
    date_created: str | None
    date_updated: str | None
    secondary_auth_token: str | None
    url: str


class AuthTokenPromotionJSON(TypedDict):
    account_sid: str
    auth_token: str
    date_created: str | None
    date_updated: str | None
    url: str


async def create_secondary(call: Call) -> SecondaryAuthTokenJSON:
    account = await call.runtime.accounts.add_secondary_auth_token(call.acting, actor=call.actor)
    return {
        "account_sid": account.sid,
        "date_created": iso8601(account.secondary_auth_token_created),
        "date_updated": iso8601(account.date_updated),
        "secondary_auth_token": account.secondary_auth_token,
        "url": base_url(call) + SECONDARY,
    }


async def delete_secondary(call: Call) -> None:
    await call.runtime.accounts.remove_secondary_auth_token(call.acting, actor=call.actor)


async def promote(call: Call) -> AuthTokenPromotionJSON:
    account = await call.runtime.accounts.promote_secondary_auth_token(
        call.acting, actor=call.actor
    )
    return {
        "account_sid": account.sid,
        "auth_token": account.auth_token,
        "date_created": iso8601(account.date_created),
        "date_updated": iso8601(account.date_updated),
        "url": base_url(call) + PROMOTE,
    }


OPERATIONS = [
    Operation(
        "POST",
        SECONDARY,
        "CreateSecondaryAuthToken",
        "Create (or replace) the calling account's secondary auth token.",
        create_secondary,
        None,
        SecondaryAuthTokenJSON,
        status=201,
        permission=AUTH_TOKENS["create"],
        tags=("AuthTokens",),
    ),
    Operation(
        "DELETE",
        SECONDARY,
        "DeleteSecondaryAuthToken",
        "Delete the secondary auth token; it stops working at once.",
        delete_secondary,
        None,
        None,
        status=204,
        permission=AUTH_TOKENS["delete"],
        tags=("AuthTokens",),
    ),
    Operation(
        "POST",
        PROMOTE,
        "UpdateAuthTokenPromotion",
        "Promote the secondary auth token to primary; the old primary stops working at once.",
        promote,
        None,
        AuthTokenPromotionJSON,
        permission=AUTH_TOKENS["update"],
        tags=("AuthTokens",),
    ),
]
