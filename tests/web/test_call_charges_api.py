"""What calls cost: charged when placed, refunded when ended early or canceled, all or nothing."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.domain.money import to_units
from charter.storage.tables import OutboxRow
from tests.factories import make_account, make_subaccount, runtime
from tests.web.voice import (
    HOOK,
    TO,
    URL,
    balance,
    base,
    basic,
    buy_number,
    fetch_call,
    list_sids,
    place,
    setup_account,
    update_call,
)


def test_ending_a_call_early_refunds_exactly_the_unused_minutes(
    client: TestClient, clock: FixedClock
) -> None:
    account, number = setup_account(client)
    short = place(client, account, number, Record="true")["sid"]
    longer = place(client, account, number, Record="true")["sid"]
    assert balance(client, account) == "18.81700"  # two calls and two recordings
    clock.advance(3)
    ended = update_call(client, account, short, Status="completed")
    assert ended.status_code == 200
    body = ended.json()
    assert (body["status"], body["duration"], body["price"]) == ("completed", "0", "0.00000")
    assert body["end_time"] == body["start_time"] == "Wed, 25 Nov 2026 12:00:03 +0000"
    assert balance(client, account) == "18.83350"  # 0 s answered: call and recording refunded
    clock.advance(30)
    body = update_call(client, account, longer, Status="completed").json()
    assert (body["status"], body["duration"], body["price"]) == ("completed", "30", "-0.01400")
    assert body["end_time"] == "Wed, 25 Nov 2026 12:00:33 +0000"
    assert balance(client, account) == "18.83350"  # 30 s is still the minute charged
    clock.advance(600)
    assert fetch_call(client, account, longer)["duration"] == "30"


@pytest.mark.parametrize(
    ("advance", "status"), [(0, "canceled"), (1, "canceled"), (2, "completed")]
)
def test_canceling_a_queued_or_ringing_call_refunds_it_in_full(
    client: TestClient, clock: FixedClock, advance: int, status: str
) -> None:
    account, number = setup_account(client)
    sid = place(client, account, number, Record="true")["sid"]
    clock.advance(advance)
    r = update_call(client, account, sid, Status=status)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "canceled"
    assert (body["start_time"], body["end_time"], body["duration"], body["price"]) == (
        None, None, None, None,
    )  # fmt: skip
    assert balance(client, account) == "18.85000"
    clock.advance(100)
    assert fetch_call(client, account, sid)["status"] == "canceled"
    recordings = client.get(f"{base(account)}/Recordings.json", auth=basic(account)).json()
    assert recordings["recordings"] == []


@pytest.mark.parametrize(
    ("left", "form"),
    [("0.01000", {}), ("0.01500", {"Record": "true"})],  # the call alone fits in the second
)
def test_insufficient_funds_write_nothing(
    client: TestClient, left: str, form: dict[str, str]
) -> None:
    account, number = setup_account(client, starting_balance=to_units("1.15000") + to_units(left))
    r = client.post(
        f"{base(account)}/Calls.json",
        data={"To": TO, "From": number, "Url": URL, "StatusCallback": HOOK, **form},
        auth=basic(account),
    )
    assert r.status_code == 402
    assert r.json()["code"] == 20402
    assert list_sids(client, account) == []
    assert balance(client, account) == left
    rt = runtime(client)

    async def count() -> int:
        async with rt.uow.engine.connect() as conn:
            return len(list(await conn.execute(select(OutboxRow.id))))

    assert client.portal.call(count) == 0  # type: ignore[union-attr]


def test_a_subaccount_call_is_billed_to_the_main_account(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    number = buy_number(client, sub)["phone_number"]
    place(client, sub, number)
    assert balance(client, parent) == "18.83600"
    r = client.post(
        f"{base(parent)}/Calls.json", data={"To": TO, "From": number, "Url": URL},
        auth=basic(parent),
    )  # fmt: skip
    assert r.json()["code"] == 21210  # the subaccount's number is not the parent's


def test_a_stale_status_change_is_refused_so_a_refund_cannot_happen_twice(
    client: TestClient,
) -> None:
    account, number = setup_account(client)
    sid = place(client, account, number)["sid"]
    rt = runtime(client)

    async def cancel_twice() -> list[bool]:
        async with rt.uow() as uow:
            call = await uow.calls.find(sid)
            assert call is not None
            canceled = dataclasses.replace(call, status="canceled", ended_at=None)
            results = [await uow.calls.update(canceled, if_status="queued") for _ in range(2)]
            await uow.commit()
        return results

    assert client.portal.call(cancel_twice) == [True, False]  # type: ignore[union-attr]
