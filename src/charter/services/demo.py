"""Demo data for `charter serve --demo`: a developer and a customer account, each with an owner.

Idempotent: a second run finds the same accounts (auth tokens are stored encrypted and can be
shown again) instead of creating new ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from charter.domain.models import Account, AccountType, Role
from charter.domain.ports import UnitOfWorkFactory
from charter.services.accounts import AccountService


@dataclass(frozen=True)
class DemoLogin:
    label: str
    account: Account
    email: str
    password: str


DEMO_USERS = (
    ("Developer", "Demo Developer", "developer@example.com", "charter-demo-developer"),
    ("Customer", "Demo Customer", "customer@example.com", "charter-demo-customer"),
)


async def seed_demo(accounts: AccountService, uow: UnitOfWorkFactory) -> list[DemoLogin]:
    logins = []
    for label, name, email, password in DEMO_USERS:
        account = await _owned_account(uow, email)
        if account is None:
            account, _ = await accounts.create_main_account(
                name, AccountType.FULL, email=email, password=password
            )
        logins.append(DemoLogin(label, account, email, password))
    return logins


async def _owned_account(uow: UnitOfWorkFactory, email: str) -> Account | None:
    async with uow() as tx:
        user = await tx.users.find_by_email(email)
        if user is None:
            return None
        for membership in await tx.users.memberships(user):
            if membership.role is Role.OWNER:
                return await tx.accounts.find(membership.account_sid)
    return None
