"""Account use cases: main accounts (operators), subaccounts, updates and auth-token rotation.

Each change records one audit event in its transaction: `accounts.created` and `accounts.updated`
in the log of the account's owner (a subaccount's parent; a main account's own), and
`auth-tokens.secondary-created`, `.secondary-deleted` and `.promoted` in the account's own log.
"""

from __future__ import annotations

from datetime import datetime

from charter.domain import accounts as rules
from charter.domain.clock import Clock
from charter.domain.errors import InvalidParameter, NotFound
from charter.domain.events import SYSTEM, Actor, AuditEvent, audit_event, changes
from charter.domain.ids import AccountSid, UserSid, new_sid
from charter.domain.models import (
    Account,
    AccountStatus,
    AccountType,
    Membership,
    Principal,
    Role,
    User,
)
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import AccountFilter, UnitOfWork, UnitOfWorkFactory
from charter.security import hash_password, new_auth_token
from charter.services.billing import BillingService
from charter.services.directory import Directory


class AccountService:
    def __init__(
        self, uow: UnitOfWorkFactory, directory: Directory, clock: Clock, billing: BillingService
    ) -> None:
        self._uow = uow
        self._directory = directory
        self._clock = clock
        self._billing = billing

    async def create_main_account(
        self,
        friendly_name: str,
        account_type: AccountType = AccountType.FULL,
        *,
        email: str | None = None,
        password: str | None = None,
        fixed_sid: AccountSid | None = None,
        fixed_auth_token: str | None = None,
        starting_balance: int | None = None,
        actor: Actor = SYSTEM,
    ) -> tuple[Account, User | None]:
        """A new main account and, with `email` and `password`, its owner user (operators only).

        `fixed_sid` and `fixed_auth_token` give deterministic credentials for test set-ups; the
        CLI allows them in development only. `starting_balance` (units) defaults to the price
        list's for the account type.
        """
        if (email is None) != (password is None):
            raise InvalidParameter("An owner needs both an email and a password")
        now = self._clock.now()
        token = new_auth_token() if fixed_auth_token is None else fixed_auth_token
        account = rules.new_main_account(friendly_name, account_type, token, now, sid=fixed_sid)
        user = None
        async with self._uow() as uow:
            if fixed_sid is not None and await uow.accounts.find(fixed_sid) is not None:
                raise InvalidParameter(f"Account {fixed_sid} already exists")
            await uow.accounts.add(account)
            if starting_balance is None:
                starting_balance = self._billing.prices.starting_balance(account_type)
            await self._billing.open_account(uow, account, starting_balance, "operator")
            if email is not None and password is not None:
                user = await self._add_owner(uow, account, email, password)
            await uow.changes.record("account", account.sid)
            await uow.events.add(_created(account, actor, now))
            await uow.commit()
        return account, user

    async def _add_owner(
        self, uow: UnitOfWork, account: Account, email: str, password: str
    ) -> User:
        email = email.strip().lower()
        if "@" not in email or len(email) > 254:
            raise InvalidParameter("The email address is not valid")
        if len(password) < 8:
            raise InvalidParameter("The password must be at least 8 characters")
        if await uow.users.find_by_email(email) is not None:
            raise InvalidParameter("A user with this email address already exists")
        user = User(UserSid(new_sid("US")), email, hash_password(password), self._clock.now())
        await uow.users.add(user)
        await uow.users.add_membership(Membership(user.sid, account.sid, Role.OWNER))
        return user

    async def resolve(
        self, principal: Principal, sid: AccountSid, *, write: bool = True
    ) -> Account:
        """The account `sid` if `principal` may act on it (change it when `write`, else read
        it); `NotFound` otherwise, so that other tenants' accounts cannot be told apart from
        accounts that do not exist."""
        account = await self._directory.account(sid)
        if account is None or not rules.can_reach(principal, account, write=write):
            raise NotFound(f"The requested resource /2010-04-01/Accounts/{sid}.json was not found")
        return account

    async def create_subaccount(
        self, principal: Principal, friendly_name: str | None, *, actor: Actor
    ) -> Account:
        parent = await self.resolve(principal, principal.account_sid)
        async with self._uow() as uow:
            account = await self.add_subaccount(uow, parent, friendly_name, actor)
            await uow.commit()
        return account

    async def add_subaccount(
        self, uow: UnitOfWork, parent: Account, friendly_name: str | None, actor: Actor
    ) -> Account:
        """A new subaccount of `parent`, written in `uow` (with its change-feed row and its
        `accounts.created` event); the caller commits."""
        now = self._clock.now()
        account = rules.new_subaccount(parent, friendly_name, new_auth_token(), now)
        await uow.accounts.add(account)
        await uow.changes.record("account", account.sid)
        await uow.events.add(_created(account, actor, now))
        return account

    async def reactivate(self, uow: UnitOfWork, account: Account, actor: Actor) -> Account:
        """`account` (suspended, not closed) active again, written in `uow` with its change-feed
        row and `accounts.updated` event; the caller commits."""
        updated = rules.update_account(
            account,
            friendly_name=None,
            status=AccountStatus.ACTIVE,
            may_change_status=True,
            now=self._clock.now(),
        )
        if updated is not account:
            await uow.accounts.update(updated)
            await uow.changes.record("account", updated.sid)
            await uow.events.add(_updated(account, updated, actor, updated.date_updated))
        return updated

    async def list_accounts(
        self,
        principal: Principal,
        page: PageRequest,
        friendly_name: str | None = None,
        status: AccountStatus | None = None,
    ) -> Page[Account]:
        """The principal's account and, for a main account, its subaccounts (for a Connect
        app: every account of its customer)."""
        root, include_subaccounts = rules.listed_accounts(principal)
        where = AccountFilter(
            root=root,
            include_subaccounts=include_subaccounts,
            friendly_name=friendly_name,
            status=status,
        )
        async with self._uow() as uow:
            return await uow.accounts.list_page(where, page)

    async def update(
        self,
        principal: Principal | None,
        account: Account,
        friendly_name: str | None,
        status: AccountStatus | None,
        *,
        actor: Actor,
    ) -> Account:
        """Rename or change status; `principal` None means an operator (CLI). A request that
        changes nothing records nothing."""
        async with self._uow() as uow:
            current = await uow.accounts.find(account.sid)
            if current is None:  # pragma: no cover - accounts are never deleted
                raise NotFound("The account no longer exists")
            allowed = principal is None or rules.may_change_status(principal, current)
            updated = rules.update_account(
                current,
                friendly_name=friendly_name,
                status=status,
                may_change_status=allowed,
                now=self._clock.now(),
            )
            if updated is not current:
                await uow.accounts.update(updated)
                await uow.changes.record("account", updated.sid)
                await uow.events.add(_updated(current, updated, actor, updated.date_updated))
                await uow.commit()
        return updated

    async def add_secondary_auth_token(self, principal: Principal, *, actor: Actor) -> Account:
        return await self._change_tokens(principal, "add", actor)

    async def remove_secondary_auth_token(self, principal: Principal, *, actor: Actor) -> Account:
        return await self._change_tokens(principal, "remove", actor)

    async def promote_secondary_auth_token(self, principal: Principal, *, actor: Actor) -> Account:
        return await self._change_tokens(principal, "promote", actor)

    async def _change_tokens(self, principal: Principal, action: str, actor: Actor) -> Account:
        now = self._clock.now()
        async with self._uow() as uow:
            account = await uow.accounts.find(principal.account_sid)
            if account is None:  # pragma: no cover - authenticated accounts exist
                raise NotFound("The account no longer exists")
            if action == "add":
                account = rules.add_secondary_auth_token(account, new_auth_token(), now)
            elif action == "remove":
                account = rules.remove_secondary_auth_token(account, now)
            else:
                account = rules.promote_secondary_auth_token(account, now)
            await uow.accounts.update(account)
            await uow.changes.record("account", account.sid)
            event_type, description = _TOKEN_EVENTS[action]
            await uow.events.add(
                audit_event(account.sid, event_type, account.sid, actor, now, description)
            )
            await uow.commit()
        return account

    async def all_accounts(self) -> list[Account]:
        async with self._uow() as uow:
            return list(await uow.accounts.list_all())


_TOKEN_EVENTS = {
    "add": ("auth-tokens.secondary-created", "Secondary auth token created"),
    "remove": ("auth-tokens.secondary-deleted", "Secondary auth token deleted"),
    "promote": ("auth-tokens.promoted", "Secondary auth token promoted to primary"),
}


def _created(account: Account, actor: Actor, now: datetime) -> AuditEvent:
    """`accounts.created`, in the log of the account's owner."""
    data = {
        "friendly_name": account.friendly_name,
        "owner_account_sid": account.owner_account_sid,
        "type": account.type.value,
    }
    kind = "Subaccount" if account.is_subaccount else "Account"
    owner = account.owner_account_sid
    return audit_event(owner, "accounts.created", account.sid, actor, now, f"{kind} created", data)


def _updated(before: Account, after: Account, actor: Actor, now: datetime) -> AuditEvent:
    """`accounts.updated` with the changed name and status, in the log of the account's owner."""
    data = changes(before, after, "friendly_name", "status")
    description = "Account updated"
    if "status" in data:
        description = _STATUS_DESCRIPTIONS[after.status]
    return audit_event(
        after.owner_account_sid, "accounts.updated", after.sid, actor, now, description, data
    )


_STATUS_DESCRIPTIONS = {
    AccountStatus.ACTIVE: "Account reactivated",
    AccountStatus.SUSPENDED: "Account suspended",
    AccountStatus.CLOSED: "Account closed",
}
