"""Charges racing against a small balance: the ledger stays exact and nothing goes unpaid.

Many sends start at once (on PostgreSQL over separate connections). Whatever the interleaving,
the balance never goes below zero, every message that exists was paid for exactly once, and the
balance equals the starting credit less the sum of the ledger's charges.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from starlette.testclient import TestClient

from charter.domain.errors import InsufficientFunds
from charter.storage.tables import LedgerRow, MessageRow
from tests.factories import make_account, runtime

SEGMENT = 790  # units per SMS segment
NUMBER = 115_000


def test_concurrent_sends_never_overdraw(client: TestClient) -> None:
    account = make_account(client, starting_balance=NUMBER + 7 * SEGMENT + 500)
    rt = runtime(client)
    number = client.post(
        f"/2010-04-01/Accounts/{account.sid}/IncomingPhoneNumbers.json",
        data={"AreaCode": "415"},
        auth=(account.sid, account.auth_token),
    ).json()["phone_number"]
    principal = client.portal.call(  # type: ignore[union-attr]
        lambda: rt.authenticator.basic(account.sid, account.auth_token, "test")
    )

    async def race() -> list[object]:
        async def one(i: int) -> object:
            try:
                return await rt.messages.send(
                    principal, account, "+14155550100", number, f"m{i}", [], None
                )
            except InsufficientFunds as exc:
                return exc

        return await asyncio.gather(*(one(i) for i in range(25)))

    results = client.portal.call(race)  # type: ignore[union-attr]
    sent = [r for r in results if not isinstance(r, InsufficientFunds)]
    refused = [r for r in results if isinstance(r, InsufficientFunds)]
    assert len(sent) == 7
    assert len(refused) == 18

    async def totals() -> tuple[int, int, int]:
        async with rt.uow.engine.connect() as conn:
            messages = await conn.scalar(select(func.count()).select_from(MessageRow))
            charges = await conn.scalar(
                select(func.count()).select_from(LedgerRow).where(LedgerRow.category == "sms")
            )
            net = await conn.scalar(select(func.sum(LedgerRow.units)))
        return int(messages or 0), int(charges or 0), int(net or 0)

    messages, charges, net = client.portal.call(totals)  # type: ignore[union-attr]
    assert messages == charges == 7
    balance = client.portal.call(lambda: rt.billing.balance(account))  # type: ignore[union-attr]
    assert balance == 500
    assert balance == -net  # starting credit (negative units) less every charge
