"""Billing use cases: balances, charges inside other use cases' transactions, funds, usage."""

from __future__ import annotations

from datetime import date

from charter.domain.billing import LedgerEntry, PriceList, UsageRecord, usage_records
from charter.domain.clock import Clock
from charter.domain.errors import InvalidParameter, NotFound
from charter.domain.ids import AccountSid
from charter.domain.models import Account
from charter.domain.ports import UnitOfWork, UnitOfWorkFactory


class BillingService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, prices: PriceList) -> None:
        self._uow = uow
        self._clock = clock
        self.prices = prices

    def entry(
        self,
        account: Account,
        category: str,
        units: int,
        quantity: int,
        resource_sid: str | None,
        actor: str,
        description: str,
    ) -> LedgerEntry:
        """A ledger line for `account`'s usage, billed to its main account."""
        return LedgerEntry(
            account_sid=account.main_account_sid,
            subaccount_sid=account.sid,
            category=category,
            units=units,
            quantity=quantity,
            resource_sid=resource_sid,
            actor=actor,
            description=description,
            date_created=self._clock.now(),
        )

    async def open_account(
        self, uow: UnitOfWork, account: Account, starting_units: int, actor: str
    ) -> None:
        """Give a new main account its balance and starting credit (inside `uow`)."""
        await uow.ledger.open_balance(account.sid)
        if starting_units > 0:
            await uow.ledger.credit(
                self.entry(account, "credits", starting_units, 0, None, actor, "Starting balance")
            )

    async def add_funds(self, account: Account, units: int, actor: str) -> int:
        """Credit the main account; returns the new balance in units."""
        if units <= 0:
            raise InvalidParameter("The amount must be positive")
        if account.is_subaccount:
            raise InvalidParameter("Funds are held by main accounts; add them to the parent")
        async with self._uow() as uow:
            await uow.ledger.credit(
                self.entry(account, "credits", units, 0, None, actor, "Funds added")
            )
            balance = await uow.ledger.balance(account.sid)
            await uow.commit()
        assert balance is not None  # noqa: S101 - credit() found the row
        return balance

    async def balance(self, account: Account) -> int:
        """The balance of the main account that pays for `account`."""
        async with self._uow.read() as uow:
            units = await uow.ledger.balance(account.main_account_sid)
        if units is None:
            raise NotFound("The account has no balance")
        return units

    async def usage(
        self,
        account: Account,
        start: date,
        end: date,
        category: str | None,
        include_subaccounts: bool = True,
    ) -> list[UsageRecord]:
        """Usage per category over [start, end]; a main account's includes its subaccounts'
        unless `include_subaccounts` is False (Twilio's `IncludeSubaccounts`)."""
        as_main = include_subaccounts and not account.is_subaccount
        async with self._uow.read() as uow:
            entries = await uow.ledger.entries(AccountSid(account.sid), start, end, as_main)
        return usage_records(entries, account.sid, start, end, category)
