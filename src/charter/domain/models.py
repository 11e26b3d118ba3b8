"""Domain values: immutable records of accounts, users and the principals that act on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from charter.domain.ids import AccountSid, UserSid


class AccountType(StrEnum):
    TRIAL = "Trial"
    FULL = "Full"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class Role(StrEnum):
    """A user's role in an account, as on Twilio's console."""

    OWNER = "owner"
    ADMINISTRATOR = "administrator"
    DEVELOPER = "developer"
    BILLING_MANAGER = "billing_manager"
    SUPPORT = "support"


@dataclass(frozen=True, slots=True)
class Account:
    """A main account (`owner_account_sid == sid`) or a subaccount of one."""

    sid: AccountSid
    owner_account_sid: AccountSid
    friendly_name: str
    type: AccountType
    status: AccountStatus
    auth_token: str = field(repr=False)
    secondary_auth_token: str | None = field(repr=False)
    secondary_auth_token_created: datetime | None
    date_created: datetime
    date_updated: datetime

    @property
    def is_subaccount(self) -> bool:
        return self.owner_account_sid != self.sid

    @property
    def main_account_sid(self) -> AccountSid:
        return self.owner_account_sid


class KeyType(StrEnum):
    STANDARD = "standard"
    MAIN = "main"
    RESTRICTED = "restricted"


@dataclass(frozen=True, slots=True)
class APIKey:
    """An API key (`SK…`). Its secret is shown once; only the SHA-256 digest is kept."""

    sid: str
    account_sid: AccountSid
    friendly_name: str | None
    key_type: KeyType
    policy: tuple[str, ...] | None
    secret_digest: bytes = field(repr=False)
    date_created: datetime
    date_updated: datetime


@dataclass(frozen=True, slots=True)
class User:
    """A person who signs in to the console."""

    sid: UserSid
    email: str
    password_hash: str = field(repr=False)
    date_created: datetime


@dataclass(frozen=True, slots=True)
class Membership:
    user_sid: UserSid
    account_sid: AccountSid
    role: Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: the resolved identity behind one request's credentials.

    `kind` names the credential type: "auth_token" (AccountSid:AuthToken), "main_key",
    "standard_key", "restricted_key", "oauth_app" (a Bearer access token) or "connect" (a
    Connect app: ConnectSubaccountSid:DeveloperAuthToken); `account_sid` is the account whose
    credential it is (for Connect, the dedicated subaccount), `main_account_sid` that account's
    main account (the customer); `policy` the permissions a restricted key or an access token
    holds, or a Connect authorization's usable `get-all`/`post-all`.
    """

    kind: str
    account_sid: AccountSid
    main_account_sid: AccountSid
    credential_id: str
    policy: frozenset[str] | None = None
