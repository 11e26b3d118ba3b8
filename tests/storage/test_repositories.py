"""SQL repositories and units of work, on SQLite or PostgreSQL (`CHARTER_TEST_DATABASE`)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from charter.domain import accounts as rules
from charter.domain.clock import FixedClock
from charter.domain.errors import InvalidParameter
from charter.domain.ids import AccountSid, UserSid, new_sid
from charter.domain.models import Account, AccountStatus, AccountType, Membership, Role, User
from charter.domain.paging import PageRequest
from charter.domain.ports import AccountFilter
from charter.security import Cipher, DecryptionError
from charter.storage.engine import make_engine
from charter.storage.repositories import changes_since, latest_change_id
from charter.storage.tables import AccountRow, ChangeRow
from charter.storage.unit_of_work import SQLUnitOfWorkFactory

pytestmark = pytest.mark.anyio

KEY = bytes(range(32))
TOKEN = "0123456789abcdef0123456789abcdef"
SECONDARY = "fedcba9876543210fedcba9876543210"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def commits() -> list[list[tuple[str, str]]]:
    return []


@pytest.fixture
def uow(
    engine: AsyncEngine, clock: FixedClock, commits: list[list[tuple[str, str]]]
) -> SQLUnitOfWorkFactory:
    def on_commit(keys: Sequence[tuple[str, str]]) -> None:
        commits.append(list(keys))

    return SQLUnitOfWorkFactory(engine, Cipher(KEY), clock, on_commit)


async def add(uow: SQLUnitOfWorkFactory, *accounts: Account) -> None:
    async with uow() as tx:
        for account in accounts:
            await tx.accounts.add(account)
        await tx.commit()


async def find(uow: SQLUnitOfWorkFactory, sid: AccountSid) -> Account | None:
    async with uow() as tx:
        return await tx.accounts.find(sid)


def main_account(clock: FixedClock, name: str = "Main") -> Account:
    return rules.new_main_account(name, AccountType.FULL, TOKEN, clock.now())


async def test_an_added_account_is_found_unchanged(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    account = rules.add_secondary_auth_token(main_account(clock), SECONDARY, clock.now())
    await add(uow, account)
    assert await find(uow, account.sid) == account


async def test_an_unknown_sid_is_not_found(uow: SQLUnitOfWorkFactory) -> None:
    assert await find(uow, AccountSid(new_sid("AC"))) is None


async def test_update_saves_every_changed_field(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    account = main_account(clock)
    await add(uow, account)
    clock.advance(90)
    changed = rules.update_account(
        rules.add_secondary_auth_token(account, SECONDARY, clock.now()),
        friendly_name="Renamed",
        status=AccountStatus.SUSPENDED,
        may_change_status=True,
        now=clock.now(),
    )
    async with uow() as tx:
        await tx.accounts.update(changed)
        await tx.commit()
    found = await find(uow, account.sid)
    assert found == changed
    assert found is not None
    assert found.date_updated == datetime(2026, 11, 25, 12, 1, 30, tzinfo=UTC)
    assert found.date_created == account.date_created


async def test_auth_tokens_are_encrypted_at_rest_and_bound_to_their_row(
    uow: SQLUnitOfWorkFactory, engine: AsyncEngine, clock: FixedClock
) -> None:
    account = rules.add_secondary_auth_token(main_account(clock), SECONDARY, clock.now())
    await add(uow, account)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(AccountRow.auth_token_enc, AccountRow.secondary_auth_token_enc).where(
                    AccountRow.sid == account.sid
                )
            )
        ).one()
    primary, secondary = row
    assert secondary is not None
    for stored in (primary, secondary):
        assert stored.startswith("v1.")
        assert TOKEN not in stored
        assert SECONDARY not in stored
    cipher = Cipher(KEY)
    assert cipher.decrypt(primary, f"accounts.auth_token:{account.sid}") == TOKEN
    with pytest.raises(DecryptionError):
        cipher.decrypt(primary, f"accounts.secondary_auth_token:{account.sid}")


async def test_accounts_stored_under_another_key_cannot_be_read(
    uow: SQLUnitOfWorkFactory, engine: AsyncEngine, clock: FixedClock
) -> None:
    account = main_account(clock)
    await add(uow, account)
    other = SQLUnitOfWorkFactory(engine, Cipher(bytes(32)), clock)
    with pytest.raises(DecryptionError):
        await find(other, account.sid)


async def test_leaving_a_unit_of_work_without_commit_persists_nothing(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, commits: list[list[tuple[str, str]]]
) -> None:
    account = main_account(clock)
    async with uow() as tx:
        await tx.accounts.add(account)
        await tx.changes.record("account", account.sid)
        assert await tx.accounts.find(account.sid) == account
    assert await find(uow, account.sid) is None
    assert commits == []


async def test_an_exception_inside_a_unit_of_work_rolls_it_back(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    account = main_account(clock)

    async def add_then_fail() -> None:
        async with uow() as tx:
            await tx.accounts.add(account)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await add_then_fail()
    assert await find(uow, account.sid) is None


async def test_a_duplicate_sid_is_refused_by_the_database(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    account = main_account(clock)
    await add(uow, account)
    with pytest.raises(IntegrityError):
        await add(uow, dataclasses.replace(account, friendly_name="Copy"))


@pytest.fixture
async def family(uow: SQLUnitOfWorkFactory, clock: FixedClock) -> list[Account]:
    """A main account, then five subaccounts in creation order, and a stranger's account."""
    parent = main_account(clock, "Parent")
    await add(uow, parent)
    subs = []
    for n in range(5):
        sub = rules.new_subaccount(parent, f"Sub {n}", TOKEN, clock.now())
        await add(uow, sub)
        subs.append(sub)
    stranger = main_account(clock, "Stranger")
    await add(uow, stranger, rules.new_subaccount(stranger, "Sub 0", TOKEN, clock.now()))
    return [parent, *subs]


async def page_of(
    uow: SQLUnitOfWorkFactory, root: Account, request: PageRequest, **filters: object
) -> tuple[list[str], bool, bool]:
    where = AccountFilter(root.sid, include_subaccounts=True, **filters)  # type: ignore[arg-type]
    async with uow() as tx:
        page = await tx.accounts.list_page(where, request)
    return [a.friendly_name for a in page.items], page.has_next, page.has_previous


async def test_list_page_pages_forward_by_offset_and_cursor(
    uow: SQLUnitOfWorkFactory, family: list[Account]
) -> None:
    root = family[0]
    assert await page_of(uow, root, PageRequest(size=2)) == (["Parent", "Sub 0"], True, False)
    assert await page_of(uow, root, PageRequest(size=2, page=1)) == (["Sub 1", "Sub 2"], True, True)
    after = PageRequest(size=2, page=1, cursor_sid=family[1].sid, direction="after")
    assert await page_of(uow, root, after) == (["Sub 1", "Sub 2"], True, True)
    last = PageRequest(size=2, page=2, cursor_sid=family[3].sid, direction="after")
    assert await page_of(uow, root, last) == (["Sub 3", "Sub 4"], False, True)
    everything = PageRequest(size=6)
    assert (await page_of(uow, root, everything))[1:] == (False, False)


async def test_list_page_pages_backward_from_a_cursor(
    uow: SQLUnitOfWorkFactory, family: list[Account]
) -> None:
    root = family[0]
    back = PageRequest(size=2, page=1, cursor_sid=family[4].sid, direction="before")
    assert await page_of(uow, root, back) == (["Sub 1", "Sub 2"], True, True)
    first = PageRequest(size=2, page=0, cursor_sid=family[2].sid, direction="before")
    assert await page_of(uow, root, first) == (["Parent", "Sub 0"], True, False)


async def test_list_page_filters_by_name_and_status_within_the_root(
    uow: SQLUnitOfWorkFactory, family: list[Account], clock: FixedClock
) -> None:
    root = family[0]
    suspended = dataclasses.replace(family[2], status=AccountStatus.SUSPENDED)
    async with uow() as tx:
        await tx.accounts.update(suspended)
        await tx.commit()
    assert await page_of(uow, root, PageRequest(), friendly_name="Sub 0") == (
        ["Sub 0"],
        False,
        False,
    )
    assert await page_of(uow, root, PageRequest(), status=AccountStatus.SUSPENDED) == (
        ["Sub 1"],
        False,
        False,
    )
    only_root = AccountFilter(family[3].sid, include_subaccounts=False)
    async with uow() as tx:
        page = await tx.accounts.list_page(only_root, PageRequest())
    assert [a.sid for a in page.items] == [family[3].sid]


async def test_list_page_refuses_a_cursor_that_names_no_row(
    uow: SQLUnitOfWorkFactory, family: list[Account]
) -> None:
    request = PageRequest(size=2, cursor_sid=new_sid("AC"), direction="after")
    with pytest.raises(InvalidParameter, match="Invalid PageToken"):
        await page_of(uow, family[0], request)


async def test_list_all_returns_every_account_in_creation_order(
    uow: SQLUnitOfWorkFactory, family: list[Account]
) -> None:
    async with uow() as tx:
        names = [a.friendly_name for a in await tx.accounts.list_all()]
    assert names == ["Parent", "Sub 0", "Sub 1", "Sub 2", "Sub 3", "Sub 4", "Stranger", "Sub 0"]


async def test_users_are_found_by_email_case_insensitively_with_their_memberships(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    account = main_account(clock)
    user = User(UserSid(new_sid("US")), "Owner@Example.COM", "$argon2id$fake", clock.now())
    async with uow() as tx:
        await tx.accounts.add(account)
        await tx.users.add(user)
        await tx.users.add_membership(Membership(user.sid, account.sid, Role.OWNER))
        await tx.commit()
    async with uow() as tx:
        found = await tx.users.find_by_email("OWNER@example.com")
        assert found == dataclasses.replace(user, email="owner@example.com")
        assert await tx.users.memberships(found) == [Membership(user.sid, account.sid, Role.OWNER)]
        assert await tx.users.find_by_email("other@example.com") is None


async def test_a_second_user_with_the_same_email_is_refused(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    async with uow() as tx:
        await tx.users.add(User(UserSid(new_sid("US")), "a@example.com", "h", clock.now()))
        await tx.commit()
    with pytest.raises(IntegrityError):
        async with uow() as tx:
            await tx.users.add(User(UserSid(new_sid("US")), "A@example.com", "h", clock.now()))


async def test_a_membership_must_name_an_existing_account(
    uow: SQLUnitOfWorkFactory, clock: FixedClock
) -> None:
    user = User(UserSid(new_sid("US")), "a@example.com", "h", clock.now())
    async with uow() as tx:
        await tx.users.add(user)
        with pytest.raises(IntegrityError):
            await tx.users.add_membership(
                Membership(user.sid, AccountSid(new_sid("AC")), Role.DEVELOPER)
            )


async def test_change_feed_rows_are_written_and_reported_only_after_commit(
    uow: SQLUnitOfWorkFactory,
    engine: AsyncEngine,
    clock: FixedClock,
    commits: list[list[tuple[str, str]]],
) -> None:
    account = main_account(clock)
    async with uow() as tx:
        await tx.accounts.add(account)
        await tx.changes.record("account", account.sid)
        await tx.changes.record("user", "US1")
        assert commits == []
        await tx.commit()
        assert commits == [[("account", account.sid), ("user", "US1")]]
        assert tx.changes.keys == []
    async with engine.connect() as conn:
        rows = (await conn.execute(select(ChangeRow).order_by(ChangeRow.id))).all()
    assert [(r.entity, r.key, r.created_at) for r in rows] == [
        ("account", account.sid, clock.now()),
        ("user", "US1", clock.now()),
    ]
    async with AsyncSession(engine) as session:
        assert await changes_since(session, 0) == [
            (rows[0].id, "account", account.sid),
            (rows[1].id, "user", "US1"),
        ]
        assert await changes_since(session, rows[0].id) == [(rows[1].id, "user", "US1")]
        assert await latest_change_id(session) == rows[1].id


async def test_a_commit_without_changes_does_not_call_on_commit(
    uow: SQLUnitOfWorkFactory, clock: FixedClock, commits: list[list[tuple[str, str]]]
) -> None:
    await add(uow, main_account(clock))
    assert commits == []


async def test_latest_change_id_of_an_empty_feed_is_zero(engine: AsyncEngine) -> None:
    async with AsyncSession(engine) as session:
        assert await latest_change_id(session) == 0
        assert await changes_since(session, 0) == []
