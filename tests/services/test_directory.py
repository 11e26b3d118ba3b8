"""The credential directory: cached accounts, invalidation, races and an untrusted change feed."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from charter.domain import accounts as rules
from charter.domain.clock import FixedClock
from charter.domain.ids import AccountSid, new_sid
from charter.domain.models import Account, AccountStatus, AccountType
from charter.domain.ports import UnitOfWork
from charter.security import Cipher, digest
from charter.services.directory import Directory
from charter.storage.engine import make_engine
from charter.storage.repositories import SQLAccountRepo
from charter.storage.unit_of_work import SQLUnitOfWorkFactory

pytestmark = pytest.mark.anyio

TOKEN = "0123456789abcdef0123456789abcdef"
SECONDARY = "fedcba9876543210fedcba9876543210"


class Counting:
    """A unit-of-work factory that counts the units of work (database reads) it opens."""

    def __init__(self, inner: SQLUnitOfWorkFactory) -> None:
        self.inner = inner
        self.opened = 0

    def __call__(self) -> UnitOfWork:
        self.opened += 1
        return self.inner()

    def read(self) -> UnitOfWork:
        self.opened += 1
        return self.inner.read()


@pytest.fixture
async def uow(database_url: str, clock: FixedClock) -> AsyncIterator[SQLUnitOfWorkFactory]:
    engine = make_engine(database_url)
    yield SQLUnitOfWorkFactory(engine, Cipher(bytes(range(32))), clock)
    await engine.dispose()


@pytest.fixture
def counting(uow: SQLUnitOfWorkFactory) -> Counting:
    return Counting(uow)


@pytest.fixture
async def account(uow: SQLUnitOfWorkFactory, clock: FixedClock) -> Account:
    account = rules.new_main_account("Main", AccountType.FULL, TOKEN, clock.now())
    await save(uow, account, new=True)
    return account


async def save(uow: SQLUnitOfWorkFactory, account: Account, *, new: bool = False) -> None:
    """Write `account` behind the directory's back (as another instance would)."""
    async with uow() as tx:
        await (tx.accounts.add if new else tx.accounts.update)(account)
        await tx.commit()


def suspended(account: Account) -> Account:
    return dataclasses.replace(account, status=AccountStatus.SUSPENDED)


async def test_an_entry_holds_the_account_and_its_token_digests(
    uow: SQLUnitOfWorkFactory, account: Account, clock: FixedClock
) -> None:
    await save(uow, rules.add_secondary_auth_token(account, SECONDARY, clock.now()))
    entry = await Directory(uow, trusted=lambda: True).entry(account.sid)
    assert entry.account is not None
    assert entry.account.sid == account.sid
    assert entry.primary == digest(TOKEN)
    assert entry.secondary == digest(SECONDARY)


async def test_a_cache_hit_does_not_read_the_database(counting: Counting, account: Account) -> None:
    directory = Directory(counting, trusted=lambda: True)
    first = await directory.account(account.sid)
    second = await directory.account(account.sid)
    assert first == account
    assert second is first
    assert counting.opened == 1


async def test_a_missing_account_is_cached_as_missing(counting: Counting) -> None:
    directory = Directory(counting, trusted=lambda: True)
    sid = AccountSid(new_sid("AC"))
    entry = await directory.entry(sid)
    assert (entry.account, entry.primary, entry.secondary) == (None, None, None)
    assert await directory.account(sid) is None
    assert counting.opened == 1


async def test_the_cache_serves_a_stale_account_until_invalidated(
    uow: SQLUnitOfWorkFactory, counting: Counting, account: Account
) -> None:
    directory = Directory(counting, trusted=lambda: True)
    await directory.account(account.sid)
    await save(uow, suspended(account))
    assert (await directory.account(account.sid)) == account
    directory.invalidate([("account", account.sid)])
    assert (await directory.account(account.sid)) == suspended(account)
    assert counting.opened == 2


async def test_invalidate_drops_only_the_named_accounts(
    uow: SQLUnitOfWorkFactory, counting: Counting, account: Account, clock: FixedClock
) -> None:
    other = rules.new_main_account("Other", AccountType.FULL, TOKEN, clock.now())
    await save(uow, other, new=True)
    directory = Directory(counting, trusted=lambda: True)
    await directory.account(account.sid)
    await directory.account(other.sid)
    directory.invalidate([("account", other.sid), ("user", account.sid)])
    await directory.account(account.sid)
    assert counting.opened == 2
    await directory.account(other.sid)
    assert counting.opened == 3


async def test_clear_drops_every_entry(counting: Counting, account: Account) -> None:
    directory = Directory(counting, trusted=lambda: True)
    await directory.account(account.sid)
    directory.clear()
    await directory.account(account.sid)
    assert counting.opened == 2


async def test_a_load_racing_an_invalidation_is_not_stored(
    uow: SQLUnitOfWorkFactory,
    counting: Counting,
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    directory = Directory(counting, trusted=lambda: True)
    read = SQLAccountRepo.find

    async def read_then_change(repo: SQLAccountRepo, sid: AccountSid) -> Account | None:
        # The row is read, then changed and invalidated before the directory stores what it read.
        found = await read(repo, sid)
        directory.invalidate([("account", sid)])
        return found

    monkeypatch.setattr(SQLAccountRepo, "find", read_then_change)
    assert await directory.account(account.sid) == account
    monkeypatch.setattr(SQLAccountRepo, "find", read)
    await save(uow, suspended(account))
    assert await directory.account(account.sid) == suspended(account)
    assert counting.opened == 2
    await directory.account(account.sid)
    assert counting.opened == 2


async def test_an_untrusted_directory_always_reads_the_database(
    uow: SQLUnitOfWorkFactory, counting: Counting, account: Account
) -> None:
    directory = Directory(counting, trusted=lambda: False)
    assert await directory.account(account.sid) == account
    await save(uow, suspended(account))
    assert await directory.account(account.sid) == suspended(account)
    assert counting.opened == 2


async def test_entries_read_while_untrusted_are_not_kept_for_later(
    counting: Counting, account: Account
) -> None:
    trusted = False
    directory = Directory(counting, trusted=lambda: trusted)
    await directory.account(account.sid)
    trusted = True
    await directory.account(account.sid)
    await directory.account(account.sid)
    assert counting.opened == 2
