"""Account rules: creation, updates, secondary auth tokens, reachability and usability."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from charter.domain import accounts as rules
from charter.domain.errors import (
    AccountClosed,
    ConstraintViolation,
    DomainError,
    InvalidParameter,
    NotFound,
    SubaccountCannotHaveSubaccounts,
)
from charter.domain.ids import AccountSid, is_sid
from charter.domain.models import Account, AccountStatus, AccountType, Principal

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
TOKEN = "0123456789abcdef0123456789abcdef"
OTHER_TOKEN = "fedcba9876543210fedcba9876543210"


def main_account(name: str = "Main", account_type: AccountType = AccountType.FULL) -> Account:
    return rules.new_main_account(name, account_type, TOKEN, NOW)


def principal_of(account: Account) -> Principal:
    return Principal("auth_token", account.sid, account.main_account_sid, f"{account.sid}:primary")


def update(account: Account, **kwargs: object) -> Account:
    args: dict[str, object] = {
        "friendly_name": None,
        "status": None,
        "may_change_status": True,
        "now": LATER,
    }
    return rules.update_account(account, **(args | kwargs))  # type: ignore[arg-type]


def test_new_main_account_is_its_own_active_owner() -> None:
    account = rules.new_main_account("Acme", AccountType.TRIAL, TOKEN, NOW)
    assert is_sid(account.sid, "AC")
    assert account.owner_account_sid == account.sid
    assert not account.is_subaccount
    assert account.main_account_sid == account.sid
    assert (account.friendly_name, account.type, account.status) == (
        "Acme",
        AccountType.TRIAL,
        AccountStatus.ACTIVE,
    )
    assert account.auth_token == TOKEN
    assert account.secondary_auth_token is None
    assert account.secondary_auth_token_created is None
    assert account.date_created == account.date_updated == NOW


def test_new_main_account_keeps_a_fixed_sid() -> None:
    sid = AccountSid("AC" + "1" * 32)
    assert rules.new_main_account("Fixed", AccountType.FULL, TOKEN, NOW, sid=sid).sid == sid


def test_new_main_accounts_get_distinct_sids() -> None:
    assert main_account().sid != main_account().sid


@pytest.mark.parametrize(
    "token",
    ["", "0123456789ABCDEF0123456789ABCDEF", TOKEN[:31], TOKEN + "0", "g" * 32, TOKEN[:31] + " "],
)
def test_new_main_account_refuses_an_auth_token_not_shaped_like_twilios(token: str) -> None:
    with pytest.raises(InvalidParameter, match="32 lower-case hex"):
        rules.new_main_account("Acme", AccountType.FULL, token, NOW)


def test_new_subaccount_belongs_to_its_parent_and_inherits_its_type() -> None:
    parent = main_account(account_type=AccountType.TRIAL)
    child = rules.new_subaccount(parent, "Child", OTHER_TOKEN, NOW)
    assert child.owner_account_sid == parent.sid
    assert child.main_account_sid == parent.sid
    assert child.sid != parent.sid
    assert child.is_subaccount
    assert child.type is AccountType.TRIAL
    assert child.auth_token == OTHER_TOKEN
    assert child.friendly_name == "Child"


@pytest.mark.parametrize("name", [None, ""])
def test_new_subaccount_without_a_name_gets_twilios_default(name: str | None) -> None:
    child = rules.new_subaccount(main_account(), name, OTHER_TOKEN, NOW)
    assert child.friendly_name == "SubAccount Created at 2026-11-25 12:00 PM"


def test_a_subaccount_cannot_have_subaccounts() -> None:
    child = rules.new_subaccount(main_account(), "Child", OTHER_TOKEN, NOW)
    with pytest.raises(SubaccountCannotHaveSubaccounts) as caught:
        rules.new_subaccount(child, "Grandchild", TOKEN, NOW)
    assert (caught.value.code, caught.value.status) == (21101, 400)


def test_update_renames_and_stamps_date_updated() -> None:
    account = main_account()
    renamed = update(account, friendly_name="Renamed")
    assert renamed.friendly_name == "Renamed"
    assert renamed.date_updated == LATER
    assert renamed.date_created == NOW
    assert account.friendly_name == "Main"


def test_update_changes_status_when_allowed() -> None:
    suspended = update(main_account(), status=AccountStatus.SUSPENDED)
    assert suspended.status is AccountStatus.SUSPENDED
    assert update(suspended, status=AccountStatus.ACTIVE).status is AccountStatus.ACTIVE


def test_update_refuses_a_status_change_when_not_allowed() -> None:
    with pytest.raises(InvalidParameter, match="Only the parent") as caught:
        update(main_account(), status=AccountStatus.CLOSED, may_change_status=False)
    assert caught.value.code == 20001


def test_update_to_the_current_status_needs_no_permission_and_is_a_no_op() -> None:
    account = main_account()
    assert update(account, status=AccountStatus.ACTIVE, may_change_status=False) is account


def test_update_with_nothing_to_change_returns_the_same_object() -> None:
    account = main_account()
    assert update(account) is account


@pytest.mark.parametrize(
    "changes",
    [
        {"status": AccountStatus.ACTIVE},
        {"status": AccountStatus.SUSPENDED},
        {"friendly_name": "Renamed"},
        {},
    ],
)
def test_a_closed_account_cannot_be_updated(changes: dict[str, object]) -> None:
    closed = update(main_account(), status=AccountStatus.CLOSED)
    with pytest.raises(AccountClosed, match="A closed account cannot be updated"):
        update(closed, **changes)


@pytest.mark.parametrize(
    ("name", "error", "code"),
    [
        ("x" * 65, ConstraintViolation, 70001),
        ("é" * 65, ConstraintViolation, 70001),
        ("bad\x00name", InvalidParameter, 20001),
        ("line\nbreak", InvalidParameter, 20001),
        ("tab\there", InvalidParameter, 20001),
        ("escape\x1b[31m", InvalidParameter, 20001),
        ("delete\x7f", InvalidParameter, 20001),
        ("next-line\x85", InvalidParameter, 20001),
    ],
)
def test_update_refuses_a_bad_friendly_name(name: str, error: type[DomainError], code: int) -> None:
    with pytest.raises(error) as caught:
        update(main_account(), friendly_name=name)
    assert caught.value.code == code
    with pytest.raises(error):
        rules.new_main_account(name, AccountType.FULL, TOKEN, NOW)


@pytest.mark.parametrize("name", ["x" * 64, "Café ☎ 電話", "", "a b-c_d.e"])
def test_friendly_name_accepts_up_to_64_printable_characters(name: str) -> None:
    assert update(main_account(), friendly_name=name).friendly_name == name


def test_add_secondary_auth_token_sets_it_and_replaces_an_existing_one() -> None:
    account = rules.add_secondary_auth_token(main_account(), OTHER_TOKEN, NOW)
    assert account.secondary_auth_token == OTHER_TOKEN
    assert account.secondary_auth_token_created == NOW
    assert account.auth_token == TOKEN
    replaced = rules.add_secondary_auth_token(account, "a" * 32, LATER)
    assert replaced.secondary_auth_token == "a" * 32
    assert replaced.secondary_auth_token_created == LATER
    assert replaced.date_updated == LATER


def test_remove_secondary_auth_token_clears_it() -> None:
    with_secondary = rules.add_secondary_auth_token(main_account(), OTHER_TOKEN, NOW)
    removed = rules.remove_secondary_auth_token(with_secondary, LATER)
    assert removed.secondary_auth_token is None
    assert removed.secondary_auth_token_created is None
    assert removed.auth_token == TOKEN
    assert removed.date_updated == LATER


def test_promote_makes_the_secondary_token_primary_and_drops_the_old_primary() -> None:
    with_secondary = rules.add_secondary_auth_token(main_account(), OTHER_TOKEN, NOW)
    promoted = rules.promote_secondary_auth_token(with_secondary, LATER)
    assert promoted.auth_token == OTHER_TOKEN
    assert promoted.secondary_auth_token is None
    assert promoted.secondary_auth_token_created is None
    assert promoted.date_updated == LATER


@pytest.mark.parametrize(
    "change", [rules.remove_secondary_auth_token, rules.promote_secondary_auth_token]
)
def test_removing_or_promoting_a_missing_secondary_token_is_not_found(
    change: Callable[[Account, datetime], Account],
) -> None:
    with pytest.raises(NotFound) as caught:
        change(main_account(), LATER)
    assert (caught.value.code, caught.value.status) == (20404, 404)


def _family() -> dict[str, Account]:
    parent = main_account("Parent")
    stranger = main_account("Stranger")
    return {
        "parent": parent,
        "sub": rules.new_subaccount(parent, "Sub", OTHER_TOKEN, NOW),
        "sibling": rules.new_subaccount(parent, "Sibling", OTHER_TOKEN, NOW),
        "stranger": stranger,
        "stranger_sub": rules.new_subaccount(stranger, "Theirs", OTHER_TOKEN, NOW),
    }


@pytest.mark.parametrize(
    ("actor", "target", "reachable"),
    [
        ("parent", "parent", True),
        ("sub", "sub", True),
        ("parent", "sub", True),
        ("parent", "sibling", True),
        ("sub", "parent", False),
        ("sub", "sibling", False),
        ("parent", "stranger", False),
        ("parent", "stranger_sub", False),
        ("stranger", "sub", False),
    ],
)
def test_can_reach_only_itself_and_its_own_subaccounts(
    actor: str, target: str, reachable: bool
) -> None:
    family = _family()
    assert rules.can_reach(principal_of(family[actor]), family[target]) is reachable


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("parent", "sub", True),
        ("parent", "parent", False),
        ("sub", "sub", False),
        ("stranger", "sub", False),
    ],
)
def test_only_the_parent_may_change_a_subaccounts_status(
    actor: str, target: str, allowed: bool
) -> None:
    family = _family()
    assert rules.may_change_status(principal_of(family[actor]), family[target]) is allowed


@pytest.mark.parametrize(
    ("status", "main_status", "usable"),
    [
        (AccountStatus.ACTIVE, None, True),
        (AccountStatus.SUSPENDED, None, False),
        (AccountStatus.CLOSED, None, False),
        (AccountStatus.ACTIVE, AccountStatus.ACTIVE, True),
        (AccountStatus.ACTIVE, AccountStatus.SUSPENDED, False),
        (AccountStatus.ACTIVE, AccountStatus.CLOSED, False),
        (AccountStatus.SUSPENDED, AccountStatus.ACTIVE, False),
    ],
)
def test_is_usable_needs_the_account_and_its_main_account_active(
    status: AccountStatus, main_status: AccountStatus | None, usable: bool
) -> None:
    account = dataclasses.replace(main_account(), status=status)
    main = None if main_status is None else dataclasses.replace(main_account(), status=main_status)
    assert rules.is_usable(account, main) is usable


def test_account_repr_hides_auth_tokens() -> None:
    account = rules.add_secondary_auth_token(main_account(), OTHER_TOKEN, NOW)
    assert TOKEN not in repr(account)
    assert OTHER_TOKEN not in repr(account)
