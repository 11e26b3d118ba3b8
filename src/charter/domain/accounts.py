"""Accounts and subaccounts: creation, updates, auth-token rotation, and who may reach whom.

Pure functions over `Account` values; the services layer loads and saves them.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import datetime

from charter.domain.errors import (
    AccountClosed,
    ConstraintViolation,
    InvalidParameter,
    NotFound,
    SubaccountCannotHaveSubaccounts,
)
from charter.domain.ids import AccountSid, new_sid
from charter.domain.models import Account, AccountStatus, AccountType, Principal

MAX_FRIENDLY_NAME = 64


def check_friendly_name(name: str) -> str:
    """A friendly name of at most 64 characters, without control characters."""
    if len(name) > MAX_FRIENDLY_NAME:
        raise ConstraintViolation("FriendlyName must be at most 64 characters")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise InvalidParameter("FriendlyName must not contain control characters")
    return name


def check_auth_token(token: str) -> str:
    """An auth token of Twilio's shape: 32 lower-case hex characters."""
    if len(token) != 32 or any(c not in "0123456789abcdef" for c in token):
        raise InvalidParameter("An auth token must be 32 lower-case hex characters")
    return token


def new_main_account(
    friendly_name: str,
    account_type: AccountType,
    auth_token: str,
    now: datetime,
    *,
    sid: AccountSid | None = None,
) -> Account:
    """A main account: its own owner, active, with one auth token (`sid` fixed or random)."""
    sid = sid or AccountSid(new_sid("AC"))
    return Account(
        sid=sid,
        owner_account_sid=sid,
        friendly_name=check_friendly_name(friendly_name),
        type=account_type,
        status=AccountStatus.ACTIVE,
        auth_token=check_auth_token(auth_token),
        secondary_auth_token=None,
        secondary_auth_token_created=None,
        date_created=now,
        date_updated=now,
    )


def new_subaccount(
    parent: Account, friendly_name: str | None, auth_token: str, now: datetime
) -> Account:
    """A subaccount of `parent`; raises `SubaccountCannotHaveSubaccounts` for a subaccount parent.

    Without a name it is called "SubAccount Created at YYYY-MM-DD HH:MM ..." as on Twilio.
    """
    if parent.is_subaccount:
        raise SubaccountCannotHaveSubaccounts("Subaccounts cannot contain subaccounts")
    name = friendly_name or f"SubAccount Created at {now:%Y-%m-%d %I:%M %p}"
    child = new_main_account(name, parent.type, auth_token, now)
    return dataclasses.replace(child, owner_account_sid=parent.sid)


def update_account(
    account: Account,
    *,
    friendly_name: str | None,
    status: AccountStatus | None,
    may_change_status: bool,
    now: datetime,
) -> Account:
    """`account` renamed and/or moved to `status`.

    Closing is final (`AccountClosed` afterwards). Through the API only a subaccount's parent may
    change its status (see `may_change_status`); an operator (CLI) may change any account's.
    """
    if account.status is AccountStatus.CLOSED:
        raise AccountClosed("A closed account cannot be updated")
    changes: dict[str, object] = {}
    if friendly_name is not None:
        changes["friendly_name"] = check_friendly_name(friendly_name)
    if status is not None and status is not account.status:
        if not may_change_status:
            raise InvalidParameter("Only the parent account can change a subaccount's status")
        changes["status"] = status
    if not changes:
        return account
    return dataclasses.replace(account, date_updated=now, **changes)  # type: ignore[arg-type]


def add_secondary_auth_token(account: Account, token: str, now: datetime) -> Account:
    """`account` with a (new) secondary auth token; an existing secondary one is replaced."""
    return dataclasses.replace(
        account, secondary_auth_token=token, secondary_auth_token_created=now, date_updated=now
    )


def remove_secondary_auth_token(account: Account, now: datetime) -> Account:
    """`account` without its secondary auth token; `NotFound` when it has none."""
    if account.secondary_auth_token is None:
        raise NotFound("The account has no secondary auth token")
    return dataclasses.replace(
        account, secondary_auth_token=None, secondary_auth_token_created=None, date_updated=now
    )


def promote_secondary_auth_token(account: Account, now: datetime) -> Account:
    """The secondary token becomes primary and the old primary stops working at once."""
    if account.secondary_auth_token is None:
        raise NotFound("The account has no secondary auth token to promote")
    return dataclasses.replace(
        account,
        auth_token=account.secondary_auth_token,
        secondary_auth_token=None,
        secondary_auth_token_created=None,
        date_updated=now,
    )


def can_reach(principal: Principal, account: Account, *, write: bool = True) -> bool:
    """Whether `principal` may act on `account` (to change it or spend on it when `write`, to
    read it otherwise): its own account, or a subaccount of it.

    A subaccount's credentials never reach the parent or a sibling; an OAuth app's tokens reach
    only the app's own account, never its subaccounts. A Connect app reads every account of its
    customer (the main account and all its subaccounts) but writes only in its dedicated
    subaccount. `write` matters for Connect apps only; it defaults to the narrower answer.
    """
    if principal.kind == "connect":
        if write:
            return account.sid == principal.account_sid
        return account.main_account_sid == principal.main_account_sid
    if principal.kind == "oauth_app":
        return account.sid == principal.account_sid
    return account.sid == principal.account_sid or (
        account.owner_account_sid == principal.account_sid and account.is_subaccount
    )


def listed_accounts(principal: Principal) -> tuple[AccountSid, bool]:
    """What `GET /Accounts.json` lists for `principal`: (root account, include its subaccounts).

    Its own account, with its subaccounts when it is a main account; a Connect app sees every
    account of its customer.
    """
    if principal.kind == "connect":
        return principal.main_account_sid, True
    return principal.account_sid, principal.account_sid == principal.main_account_sid


def may_change_status(principal: Principal, account: Account) -> bool:
    """Through the API, only a parent changes the status of its subaccount."""
    return account.is_subaccount and principal.account_sid == account.owner_account_sid


def is_usable(account: Account, main: Account | None) -> bool:
    """Whether credentials of `account` may authenticate: it and its main account are active."""
    if account.status is not AccountStatus.ACTIVE:
        return False
    return main is None or main.status is AccountStatus.ACTIVE
