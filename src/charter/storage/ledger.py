"""The ledger and balances in SQL: one conditional UPDATE decides every charge."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from charter.domain.billing import LedgerEntry
from charter.domain.errors import InsufficientFunds, NotFound
from charter.domain.ids import AccountSid
from charter.storage.tables import BalanceRow, LedgerRow


def _row(entry: LedgerEntry, units: int) -> dict[str, object]:
    return {
        "account_sid": entry.account_sid,
        "subaccount_sid": entry.subaccount_sid,
        "category": entry.category,
        "units": units,
        "quantity": entry.quantity,
        "resource_sid": entry.resource_sid,
        "actor": entry.actor,
        "description": entry.description,
        "date_created": entry.date_created,
    }


class SQLLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open_balance(self, account_sid: AccountSid) -> None:
        await self._session.execute(
            insert(BalanceRow).values(account_sid=account_sid, units=0, currency="USD")
        )

    async def charge(self, entry: LedgerEntry) -> None:
        """Atomically lower the balance, or raise `InsufficientFunds` having changed nothing."""
        if entry.units < 0:
            raise ValueError("a charge is never negative")
        result = await self._session.execute(
            update(BalanceRow)
            .where(BalanceRow.account_sid == entry.account_sid, BalanceRow.units >= entry.units)
            .values(units=BalanceRow.units - entry.units)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise InsufficientFunds(
                "The account's balance does not cover this charge; add funds and try again"
            )
        await self._session.execute(insert(LedgerRow).values(**_row(entry, entry.units)))

    async def credit(self, entry: LedgerEntry) -> None:
        result = await self._session.execute(
            update(BalanceRow)
            .where(BalanceRow.account_sid == entry.account_sid)
            .values(units=BalanceRow.units + entry.units)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise NotFound("The account has no balance")
        await self._session.execute(insert(LedgerRow).values(**_row(entry, -entry.units)))

    async def balance(self, account_sid: AccountSid) -> int | None:
        units = await self._session.scalar(
            select(BalanceRow.units).where(BalanceRow.account_sid == account_sid)
        )
        return None if units is None else int(units)

    async def entries(
        self, account_sid: AccountSid, start: date, end: date, as_main: bool
    ) -> Sequence[LedgerEntry]:
        """Entries dated within [start, end], for the main account billed (`as_main`) or for the
        account that used them."""
        column = LedgerRow.account_sid if as_main else LedgerRow.subaccount_sid
        lo = datetime.combine(start, time(0), UTC)
        hi = datetime.combine(end, time(0), UTC) + timedelta(days=1)
        rows = await self._session.scalars(
            select(LedgerRow)
            .where(column == account_sid, LedgerRow.date_created >= lo, LedgerRow.date_created < hi)
            .order_by(LedgerRow.id)
        )
        return [
            LedgerEntry(
                account_sid=AccountSid(r.account_sid),
                subaccount_sid=AccountSid(r.subaccount_sid),
                category=r.category,
                units=r.units,
                quantity=r.quantity,
                resource_sid=r.resource_sid,
                actor=r.actor,
                description=r.description,
                date_created=r.date_created,
            )
            for r in rows
        ]
