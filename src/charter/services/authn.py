"""Authentication: HTTP Basic credentials turned into one `Principal`, or a refusal.

An unknown account and a wrong token fail the same way, after the same digest comparisons. Every
failure is counted by the throttle; a throttled client is told to wait (429) before its credentials
are even looked at.

A Connect app authenticates as `DedicatedSubaccountSid:DeveloperAuthToken`: an account SID whose
password is not the account's own auth token is also compared with the auth tokens of the
developer whose app the customer authorized in that subaccount (four comparisons every time, for
every account SID, whether or not it is a Connect subaccount).
"""

from __future__ import annotations

import hmac

from charter.domain.connect import ConnectApp, usable_permissions
from charter.domain.errors import AccountNotActive, AuthenticationRequired, TooManyRequests
from charter.domain.ids import AccountSid, is_sid
from charter.domain.models import Account, Principal
from charter.domain.throttle import AuthThrottle
from charter.security import digest
from charter.services.directory import Directory, Entry

_NO_MATCH = digest("charter: no credential has this digest")


def _failed() -> AuthenticationRequired:
    return AuthenticationRequired("Authenticate")


class Authenticator:
    def __init__(self, directory: Directory, throttle: AuthThrottle) -> None:
        self._directory = directory
        self._throttle = throttle

    async def basic(self, username: str, password: str, source: str) -> Principal:
        """The principal behind `username:password`; raises `AuthenticationRequired` (20003),
        `AccountNotActive` (20005) or `TooManyRequests` (20429)."""
        if len(username) == 34:  # SIDs are case-insensitive in their hex part, as in paths
            username = username[:2] + username[2:].lower()
        wait = self._throttle.retry_after(source, username)
        if wait is not None:
            raise TooManyRequests(
                "Too many failed authentication attempts; try again later",
                headers={"Retry-After": str(wait)},
            )
        found: tuple[Principal, Account] | None
        if is_sid(username, "AC"):
            found = await self._auth_token(AccountSid(username), password)
        elif is_sid(username, "SK"):
            found = await self._api_key(username, password)
        else:
            hmac.compare_digest(digest(password), _NO_MATCH)  # same work as a wrong secret
            found = None
        if found is None:
            self._throttle.failed(source, username)
            raise _failed()
        self._throttle.succeeded(source, username)
        principal, account = found
        if not await self._directory.usable(account):
            raise AccountNotActive("Account is not active")
        return principal

    async def _api_key(self, sid: str, secret: str) -> tuple[Principal, Account] | None:
        key = await self._directory.key(sid)
        matches = hmac.compare_digest(digest(secret), key.secret_digest if key else _NO_MATCH)
        if key is None or not matches:
            return None
        account = await self._directory.account(key.account_sid)
        if account is None:  # pragma: no cover - keys are deleted with their account
            return None
        principal = Principal(
            kind=f"{key.key_type.value}_key",
            account_sid=account.sid,
            main_account_sid=account.main_account_sid,
            credential_id=key.sid,
            policy=None if key.policy is None else frozenset(key.policy),
        )
        return principal, account

    async def _auth_token(self, sid: AccountSid, password: str) -> tuple[Principal, Account] | None:
        entry = await self._directory.entry(sid)
        app, developer = await self._developer(entry)
        candidate = digest(password)
        primary = hmac.compare_digest(candidate, entry.primary or _NO_MATCH)
        secondary = hmac.compare_digest(candidate, entry.secondary or _NO_MATCH)
        as_app = hmac.compare_digest(candidate, developer.primary or _NO_MATCH)
        as_app |= hmac.compare_digest(candidate, developer.secondary or _NO_MATCH)
        if entry.account is None:
            return None
        if not (primary or secondary):
            return await self._connect(entry, app, developer) if as_app else None
        account = entry.account
        principal = Principal(
            kind="auth_token",
            account_sid=account.sid,
            main_account_sid=account.main_account_sid,
            credential_id=f"{account.sid}:{'primary' if primary else 'secondary'}",
        )
        return principal, account

    async def _developer(self, entry: Entry) -> tuple[ConnectApp | None, Entry]:
        """The Connect app `entry`'s account is dedicated to (through an active authorization)
        and its developer's entry; `(None, _NO_DEVELOPER)` for every other account."""
        grant = entry.connect
        if grant is None or not grant.is_active:
            return None, _NO_DEVELOPER
        app = await self._directory.connect_app(grant.connect_app_sid)
        if app is None:
            return None, _NO_DEVELOPER
        return app, await self._directory.entry(app.account_sid)

    async def _connect(
        self, entry: Entry, app: ConnectApp | None, developer: Entry
    ) -> tuple[Principal, Account] | None:
        """The Connect principal of `entry`'s authorization of `app`, whose developer's auth
        token was given; None when the developer's account is not usable."""
        grant, account, owner = entry.connect, entry.account, developer.account
        if grant is None or account is None or app is None or owner is None:  # pragma: no cover
            return None  # `as_app` matched, so `_developer` found all of them
        if not await self._directory.usable(owner):
            return None
        principal = Principal(
            kind="connect",
            account_sid=account.sid,
            main_account_sid=grant.customer_account_sid,
            credential_id=grant.sid,
            policy=usable_permissions(grant, app),
        )
        return principal, account


_NO_DEVELOPER = Entry(None, None, None)
