"""The credential directory: accounts kept in memory so that authenticating costs no query.

Entries are dropped when the change feed says they changed: at once on the instance that made the
change, and within moments on every other instance (PostgreSQL NOTIFY, or the feed's poll). While
the feed cannot be read, the directory stops trusting its memory and reads the database instead.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from charter.domain.accounts import is_usable
from charter.domain.connect import Authorization, ConnectApp
from charter.domain.ids import AccountSid
from charter.domain.models import Account, APIKey
from charter.domain.oauth_apps import AppSecret, OAuthApp
from charter.domain.ports import UnitOfWork, UnitOfWorkFactory
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

# Change-feed entities: a Connect authorization (keyed by its dedicated subaccount's SID) and a
# Connect app (keyed by its `CN…` SID).
CONNECT_AUTHORIZATION = "connect_authorization"
CONNECT_APP = "connect_app"
# Which cache table each change-feed entity empties.
_TABLE_OF = {
    "account": "account",
    CONNECT_AUTHORIZATION: "account",
    "key": "key",
    "oauth_app": "oauth_app",
    CONNECT_APP: CONNECT_APP,
}
T = TypeVar("T")


class Directory:
    def __init__(self, uow: UnitOfWorkFactory, trusted: Callable[[], bool]) -> None:
        self._uow = uow
        self._trusted = trusted
        # One LRU table per cached kind, keyed as the change feed names them; a miss is cached
        # too (as `(None,)`), so unknown credentials cost no query either.
        self._tables: dict[str, OrderedDict[str, tuple[object]]] = {
            kind: OrderedDict() for kind in _TABLE_OF.values()
        }
        self._generation = 0

    async def _cached(self, kind: str, key: str, load: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """The cached value of `kind` for `key`, loaded in its own unit of work on a miss."""
        table = self._tables[kind]
        trusted = self._trusted()
        if trusted:
            hit = table.get(key)
            if hit is not None:
                return cast(T, hit[0])
        generation = self._generation
        async with self._uow() as uow:
            value = await load(uow)
        # Store only if nothing was invalidated while we read: the read might predate the change.
        if trusted and generation == self._generation:
            table[key] = (value,)
            if len(table) > _MAX_ENTRIES:
                table.popitem(last=False)
        return value

    async def entry(self, sid: AccountSid) -> Entry:
        """The entry for `sid` (the account, its tokens' digests, a Connect authorization)."""

        async def load(uow: UnitOfWork) -> Entry:
            account = await uow.accounts.find(sid)
            if account is None:
                return _MISSING
            connect = None
            if account.is_subaccount:
                connect = await uow.authorizations.find_by_subaccount(account.sid)
            secondary = account.secondary_auth_token
            return Entry(
                account,
                digest(account.auth_token),
                None if secondary is None else digest(secondary),
                connect,
            )

        return await self._cached("account", sid, load)

    async def account(self, sid: AccountSid) -> Account | None:
        return (await self.entry(sid)).account

    async def usable(self, account: Account) -> bool:
        """Whether `account` may act: active, and so is its main account."""
        main = None
        if account.is_subaccount:
            main = await self.account(account.owner_account_sid)
        return is_usable(account, main)

    async def key(self, sid: str) -> APIKey | None:
        """The API key `sid` (its secret's digest included)."""
        return await self._cached("key", sid, lambda uow: uow.keys.find(sid))

    async def oauth_app(self, client_id: str) -> AppCredentials | None:
        """The OAuth app `client_id` with its secrets."""

        async def load(uow: UnitOfWork) -> AppCredentials | None:
            app = await uow.oauth_apps.find(client_id)
            if app is None:
                return None
            return AppCredentials(app, tuple(await uow.oauth_apps.secrets(app.sid)))

        return await self._cached("oauth_app", client_id, load)

    async def connect_app(self, sid: str) -> ConnectApp | None:
        """The Connect app `sid`."""
        return await self._cached(CONNECT_APP, sid, lambda uow: uow.connect_apps.find(sid))

    def invalidate(self, changes: Sequence[tuple[str, str]]) -> None:
        """Forget what `changes` name: accounts ("account"; "connect_authorization" names a
        Connect app's dedicated subaccount), keys ("key"), OAuth apps ("oauth_app") and Connect
        apps ("connect_app")."""
        self._generation += 1
        for entity, key in changes:
            kind = _TABLE_OF.get(entity)
            if kind is not None:
                self._tables[kind].pop(key, None)

    def clear(self) -> None:
        self._generation += 1
        for table in self._tables.values():
            table.clear()
