"""What the domain needs from storage, as protocols; `charter.storage` implements them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

from charter.domain.ids import AccountSid
from charter.domain.models import Account, AccountStatus, APIKey, Membership, User
from charter.domain.paging import Page, PageRequest


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """Which accounts a list shows: those reachable from `root`, narrowed by name and status."""

    root: AccountSid
    include_subaccounts: bool
    friendly_name: str | None = None
    status: AccountStatus | None = None


class AccountRepo(Protocol):
    async def find(self, sid: AccountSid) -> Account | None: ...

    async def add(self, account: Account) -> None: ...

    async def update(self, account: Account) -> None: ...

    async def list_page(self, where: AccountFilter, page: PageRequest) -> Page[Account]: ...

    async def list_all(self) -> Sequence[Account]: ...


class KeyRepo(Protocol):
    async def find(self, sid: str) -> APIKey | None: ...

    async def add(self, key: APIKey) -> None: ...

    async def update(self, key: APIKey) -> None: ...

    async def delete(self, sid: str) -> None: ...

    async def list_page(self, account_sid: AccountSid, page: PageRequest) -> Page[APIKey]: ...


class UserRepo(Protocol):
    async def find_by_email(self, email: str) -> User | None: ...

    async def add(self, user: User) -> None: ...

    async def add_membership(self, membership: Membership) -> None: ...

    async def memberships(self, user: User) -> Sequence[Membership]: ...


class ChangeFeed(Protocol):
    """A record, written in the same transaction, that something cached elsewhere has changed."""

    async def record(self, entity: str, key: str) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: its repositories, and `commit`. Leaving without commit rolls back."""

    @property
    def accounts(self) -> AccountRepo: ...

    @property
    def keys(self) -> KeyRepo: ...

    @property
    def users(self) -> UserRepo: ...

    @property
    def changes(self) -> ChangeFeed: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
