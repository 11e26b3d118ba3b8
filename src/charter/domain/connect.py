"""Twilio Connect: Connect apps (`CN…`), customers' authorizations of them, and what an
authorized app may do.

A developer's Connect app asks for `get-all` (read every account of the customer) and/or
`post-all` (write and spend on the dedicated subaccount created for the app). A customer's
approval is an `Authorization` holding a snapshot of the approved permissions: permissions the
developer adds later are unusable until the customer approves again; removed ones stop at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from charter.domain.ids import AccountSid

GET_ALL = "get-all"
POST_ALL = "post-all"
PERMISSIONS = (GET_ALL, POST_ALL)
CALLBACK_METHODS = ("GET", "POST")

PLAIN_WORDS = {
    GET_ALL: "Read all of your account data: accounts, numbers, messages, calls, recordings, "
    "usage and balance",
    POST_ALL: "Make changes and charge your account for usage (numbers, messages, calls) in "
    "a subaccount created for this app",
}


@dataclass(frozen=True, slots=True)
class ConnectApp:
    sid: str
    account_sid: AccountSid  # the developer's account
    friendly_name: str
    logo_url: str
    company_name: str
    description: str | None
    homepage_url: str | None
    terms_of_service_url: str | None
    authorize_redirect_url: str | None
    deauthorize_callback_url: str | None
    deauthorize_callback_method: str
    permissions: tuple[str, ...]
    date_created: datetime
    date_updated: datetime


class AuthorizationStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Authorization:
    """A customer's approval of a Connect app: which app, which customer (main account), the
    dedicated subaccount the app works in, and the permissions approved (a snapshot)."""

    sid: str  # `AZ…`: Charter's own; Twilio keys AuthorizedConnectApps by the Connect app SID
    connect_app_sid: str
    customer_account_sid: AccountSid
    subaccount_sid: AccountSid
    permissions: tuple[str, ...]
    status: AuthorizationStatus
    approved_by: str  # the user who approved
    date_created: datetime
    date_updated: datetime
    revoked_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status is AuthorizationStatus.ACTIVE


def usable_permissions(authorization: Authorization, app: ConnectApp) -> frozenset[str]:
    """What an authorized app may use now: approved then and still asked for now."""
    if not authorization.is_active:
        return frozenset()
    return frozenset(authorization.permissions) & frozenset(app.permissions)


def revoke(authorization: Authorization, now: datetime) -> Authorization:
    return dataclasses.replace(
        authorization, status=AuthorizationStatus.REVOKED, revoked_at=now, date_updated=now
    )
