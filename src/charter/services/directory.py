"""The credential directory: accounts kept in memory so that authenticating costs no query.

Entries are dropped when the change feed says they changed: at once on the instance that made the
change, and within moments on every other instance (PostgreSQL NOTIFY, or the feed's poll). While
the feed cannot be read, the directory stops trusting its memory and reads the database instead.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from charter.domain.connect import Authorization, ConnectApp
from charter.domain.ids import AccountSid
from charter.domain.models import Account, APIKey
from charter.domain.oauth_apps import AppSecret, OAuthApp
from charter.domain.ports import UnitOfWorkFactory
from charter.security import digest

_MAX_ENTRIES = 100_000


@dataclass(frozen=True, slots=True)
class Entry:
    """An account and the digests of its auth tokens (`None` when it does not exist); for a
    subaccount dedicated to a Connect app, the customer's authorization of that app too."""

    account: Account | None
    primary: bytes | None
    secondary: bytes | None
    connect: Authorization | None = None


@dataclass(frozen=True, slots=True)
class AppCredentials:
    """An OAuth app and its secrets (digests), as token issuance and Bearer checks need them."""

    app: OAuthApp
    secrets: tuple[AppSecret, ...]


_MISSING = Entry(None, None, None)
_NO_APP: tuple[AppCredentials | None] = (None,)
_NO_KEY: tuple[APIKey | None] = (None,)
_NO_CONNECT_APP: tuple[ConnectApp | None] = (None,)

# Change-feed entities: a Connect authorization (keyed by its dedicated subaccount's SID) and a
# Connect app (keyed by its `CN…` SID).
CONNECT_AUTHORIZATION = "connect_authorization"
CONNECT_APP = "connect_app"


class Directory:
    def __init__(self, uow: UnitOfWorkFactory, trusted: Callable[[], bool]) -> None:
        self._uow = uow
        self._trusted = trusted
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._keys: OrderedDict[str, tuple[APIKey | None]] = OrderedDict()
        self._apps: OrderedDict[str, tuple[AppCredentials | None]] = OrderedDict()
        self._connect_apps: OrderedDict[str, tuple[ConnectApp | None]] = OrderedDict()
        self._generation = 0

    async def entry(self, sid: AccountSid) -> Entry:
        """The cached entry for `sid`, loading it on a miss."""
        trusted = self._trusted()
        if trusted:
            cached = self._entries.get(sid)
            if cached is not None:
                return cached
        generation = self._generation
        async with self._uow() as uow:
            account = await uow.accounts.find(sid)
            connect = None
            if account is not None and account.is_subaccount:
                connect = await uow.authorizations.find_by_subaccount(account.sid)
        if account is None:
            entry = _MISSING
        else:
            secondary = account.secondary_auth_token
            entry = Entry(
                account,
                digest(account.auth_token),
                None if secondary is None else digest(secondary),
                connect,
            )
        # Store only if nothing was invalidated while we read: the read might predate the change.
        if trusted and generation == self._generation:
            self._entries[sid] = entry
            if len(self._entries) > _MAX_ENTRIES:
                self._entries.popitem(last=False)
        return entry

    async def account(self, sid: AccountSid) -> Account | None:
        return (await self.entry(sid)).account

    async def key(self, sid: str) -> APIKey | None:
        """The API key `sid` (its secret's digest included), loading it on a miss."""
        trusted = self._trusted()
        if trusted:
            cached = self._keys.get(sid)
            if cached is not None:
                return cached[0]
        generation = self._generation
        async with self._uow() as uow:
            key = await uow.keys.find(sid)
        if trusted and generation == self._generation:
            self._keys[sid] = _NO_KEY if key is None else (key,)
            if len(self._keys) > _MAX_ENTRIES:
                self._keys.popitem(last=False)
        return key

    async def oauth_app(self, client_id: str) -> AppCredentials | None:
        """The OAuth app `client_id` with its secrets, loading it on a miss."""
        trusted = self._trusted()
        if trusted:
            cached = self._apps.get(client_id)
            if cached is not None:
                return cached[0]
        generation = self._generation
        async with self._uow() as uow:
            app = await uow.oauth_apps.find(client_id)
            found = None
            if app is not None:
                found = AppCredentials(app, tuple(await uow.oauth_apps.secrets(app.sid)))
        if trusted and generation == self._generation:
            self._apps[client_id] = _NO_APP if found is None else (found,)
            if len(self._apps) > _MAX_ENTRIES:
                self._apps.popitem(last=False)
        return found

    async def connect_app(self, sid: str) -> ConnectApp | None:
        """The Connect app `sid`, loading it on a miss."""
        trusted = self._trusted()
        if trusted:
            cached = self._connect_apps.get(sid)
            if cached is not None:
                return cached[0]
        generation = self._generation
        async with self._uow() as uow:
            app = await uow.connect_apps.find(sid)
        if trusted and generation == self._generation:
            self._connect_apps[sid] = _NO_CONNECT_APP if app is None else (app,)
            if len(self._connect_apps) > _MAX_ENTRIES:
                self._connect_apps.popitem(last=False)
        return app

    def invalidate(self, changes: Sequence[tuple[str, str]]) -> None:
        """Forget the accounts ("account"; "connect_authorization" names a Connect app's
        dedicated subaccount), keys ("key"), OAuth apps ("oauth_app") and Connect apps
        ("connect_app") named in `changes`."""
        self._generation += 1
        for entity, key in changes:
            if entity in ("account", CONNECT_AUTHORIZATION):
                self._entries.pop(key, None)
            elif entity == "key":
                self._keys.pop(key, None)
            elif entity == "oauth_app":
                self._apps.pop(key, None)
            elif entity == CONNECT_APP:
                self._connect_apps.pop(key, None)

    def clear(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._keys.clear()
        self._apps.clear()
        self._connect_apps.clear()
