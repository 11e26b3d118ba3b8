"""Messages through the front door: sending, pricing, the status timeline, filters, refunds."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.domain.models import Account
from charter.storage.tables import OutboxRow
from tests.factories import make_account, make_subaccount, runtime


def _auth(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def _base(account: Account) -> str:
    return f"/2010-04-01/Accounts/{account.sid}"


def _number(client: TestClient, account: Account) -> str:
    r = client.post(
        f"{_base(account)}/IncomingPhoneNumbers.json", data={"AreaCode": "415"}, auth=_auth(account)
    )
    return str(r.json()["phone_number"])


def _send(client: TestClient, account: Account, **form: Any) -> Any:
    return client.post(f"{_base(account)}/Messages.json", data=form, auth=_auth(account))


def _balance(client: TestClient, account: Account) -> str:
    return str(client.get(f"{_base(account)}/Balance.json", auth=_auth(account)).json()["balance"])


def test_send_moves_through_statuses_on_the_clock(client: TestClient, clock: FixedClock) -> None:
    account = make_account(client)
    sender = _number(client, account)
    r = _send(client, account, From=sender, To="+14155550100", Body="Hello")
    assert r.status_code == 201
    message = r.json()
    assert message["sid"].startswith("SM")
    assert (message["status"], message["price"], message["date_sent"]) == ("queued", None, None)
    assert message["num_segments"] == "1"
    url = f"{_base(account)}/Messages/{message['sid']}.json"
    seen = []
    for _ in range(5):
        seen.append(client.get(url, auth=_auth(account)).json()["status"])
        clock.advance(1)
    assert seen == ["queued", "sending", "sent", "sent", "delivered"]
    final = client.get(url, auth=_auth(account)).json()
    assert final["price"] == "-0.00790"
    assert final["date_sent"] == "Wed, 25 Nov 2026 12:00:02 +0000"


@pytest.mark.parametrize(
    ("body", "segments", "price"),
    [
        ("x" * 160, "1", "18.84210"),
        ("x" * 161, "2", "18.83420"),
        ("€" * 80, "1", "18.84210"),  # extension characters take two septets: 160
        ("€" * 81, "2", "18.83420"),
        ("ü" * 160, "1", "18.84210"),  # ü is in GSM-7
        ("ł" * 70, "1", "18.84210"),  # ł is not: UCS-2, 70 per segment
        ("ł" * 71, "2", "18.83420"),
        ("ł" * 135, "3", "18.82630"),
    ],
)
def test_segments_are_counted_and_charged_like_carriers(
    client: TestClient, body: str, segments: str, price: str
) -> None:
    account = make_account(client)
    sender = _number(client, account)  # 20.00 - 1.15 = 18.85
    r = _send(client, account, From=sender, To="+14155550100", Body=body)
    assert r.json()["num_segments"] == segments
    assert _balance(client, account) == price


def test_mms_is_priced_per_message(client: TestClient) -> None:
    account = make_account(client)
    sender = _number(client, account)
    r = client.post(
        f"{_base(account)}/Messages.json",
        data={
            "From": sender,
            "To": "+14155550100",
            "MediaUrl": ["https://e.x/a.png", "https://e.x/b.png"],
        },
        auth=_auth(account),
    )
    assert r.json()["sid"].startswith("MM")
    assert r.json()["num_media"] == "2"
    assert _balance(client, account) == "18.83000"


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"To": "+14155550100", "Body": "x"}, 21603),
        ({"From": "SENDER", "Body": "x"}, 21604),
        ({"From": "SENDER", "To": "+14155550100"}, 21602),
        ({"From": "SENDER", "To": "12345", "Body": "x"}, 21211),
        ({"From": "SENDER", "To": "+15005550001", "Body": "x"}, 21211),
        ({"From": "SENDER", "To": "+15005550009", "Body": "x"}, 21614),
        ({"From": "SENDER", "To": "+15005550004", "Body": "x"}, 21610),
        ({"From": "+14155559999", "To": "+14155550100", "Body": "x"}, 21606),
        ({"From": "SENDER", "To": "+14155550100", "Body": "x" * 1601}, 21617),
        ({"From": "SENDER", "To": "+14155550100", "MediaUrl": "ftp://x"}, 21620),
    ],
)
def test_refused_messages_create_nothing_and_charge_nothing(
    client: TestClient, form: dict[str, str], code: int
) -> None:
    account = make_account(client)
    sender = _number(client, account)
    form = {k: (sender if v == "SENDER" else v) for k, v in form.items()}
    r = _send(client, account, **form)
    assert r.status_code == 400
    assert r.json()["code"] == code
    assert (
        client.get(f"{_base(account)}/Messages.json", auth=_auth(account)).json()["messages"] == []
    )
    assert _balance(client, account) == "18.85000"


def test_insufficient_funds_is_402_and_creates_nothing(client: TestClient) -> None:
    account = make_account(
        client, starting_balance=115_000 + 1_000
    )  # a number and 1/100 of a dollar
    sender = _number(client, account)
    assert _balance(client, account) == "0.01000"
    assert _send(client, account, From=sender, To="+14155550100", Body="one").status_code == 201
    r = _send(client, account, From=sender, To="+14155550100", Body="two")
    assert r.status_code == 402
    assert r.json()["code"] == 20402
    messages = client.get(f"{_base(account)}/Messages.json", auth=_auth(account)).json()["messages"]
    assert [m["body"] for m in messages] == ["one"]
    assert _balance(client, account) == "0.00210"


def test_list_newest_first_with_filters_and_paging(client: TestClient, clock: FixedClock) -> None:
    account = make_account(client)
    sender = _number(client, account)
    sids = []
    for i in range(5):
        to = "+14155550100" if i % 2 == 0 else "+14155550101"
        sids.append(_send(client, account, From=sender, To=to, Body=f"m{i}").json()["sid"])
        clock.advance(3600)
    url = f"{_base(account)}/Messages.json"
    seen, next_uri = [], f"{url}?PageSize=2"
    while next_uri:
        page = client.get(next_uri, auth=_auth(account)).json()
        seen += [m["sid"] for m in page["messages"]]
        next_uri = page["next_page_uri"]
    assert seen == list(reversed(sids))
    to = client.get(url, params={"To": "+14155550101"}, auth=_auth(account)).json()
    assert [m["sid"] for m in to["messages"]] == [sids[3], sids[1]]
    after = client.get(
        url, params={"DateSent>": "2026-11-25T14:00:00Z"}, auth=_auth(account)
    ).json()
    assert [m["sid"] for m in after["messages"]] == [sids[4], sids[3], sids[2]]
    day = client.get(url, params={"DateSent": "2026-11-25"}, auth=_auth(account)).json()
    assert len(day["messages"]) == 5
    bad = client.get(url, params={"DateSent": "yesterday"}, auth=_auth(account))
    assert bad.status_code == 400


def test_redact_cancel_and_delete(client: TestClient, clock: FixedClock) -> None:
    account = make_account(client)
    sender = _number(client, account)
    m = _send(client, account, From=sender, To="+14155550100", Body="secret").json()
    url = f"{_base(account)}/Messages/{m['sid']}.json"
    canceled = client.post(url, data={"Status": "canceled"}, auth=_auth(account))
    assert canceled.json()["status"] == "canceled"
    assert _balance(client, account) == "18.85000"  # refunded
    m2 = _send(client, account, From=sender, To="+14155550100", Body="secret").json()
    url2 = f"{_base(account)}/Messages/{m2['sid']}.json"
    assert client.delete(url2, auth=_auth(account)).json()["code"] == 20009  # still queued
    clock.advance(5)
    assert (
        client.post(url2, data={"Status": "canceled"}, auth=_auth(account)).json()["code"] == 30409
    )
    redacted = client.post(url2, data={"Body": ""}, auth=_auth(account)).json()
    assert redacted["body"] == ""
    assert client.post(url2, data={"Body": "new"}, auth=_auth(account)).status_code == 400
    assert client.delete(url2, auth=_auth(account)).status_code == 204
    assert client.get(url2, auth=_auth(account)).status_code == 404


def test_status_callbacks_are_queued_durably_and_dropped_on_cancel(client: TestClient) -> None:
    account = make_account(client)
    sender = _number(client, account)
    hook = "https://example.com/status"
    m = _send(client, account, From=sender, To="+14155550100", Body="x", StatusCallback=hook).json()

    async def rows() -> list[tuple[str, str, str]]:
        async with runtime(client).uow.engine.connect() as conn:
            result = await conn.execute(select(OutboxRow.kind, OutboxRow.url, OutboxRow.params))
            return [(r[0], r[1], r[2]) for r in result]

    assert client.portal is not None
    queued = client.portal.call(rows)
    assert [(k, u) for k, u, _ in queued] == [("message.status", hook)] * 3
    statuses = sorted(p.split('"MessageStatus": "')[1].split('"')[0] for _, _, p in queued)
    assert statuses == ["delivered", "sending", "sent"]
    client.post(
        f"{_base(account)}/Messages/{m['sid']}.json",
        data={"Status": "canceled"},
        auth=_auth(account),
    )
    assert client.portal.call(rows) == []


def test_subaccount_messages_are_billed_to_the_parent_and_isolated(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    sender = _number(client, sub)
    m = _send(client, sub, From=sender, To="+14155550100", Body="hi").json()
    assert _balance(client, parent) == "18.84210"
    sibling = make_subaccount(client, parent, "Sibling")
    r = client.get(f"{_base(sub)}/Messages/{m['sid']}.json", auth=_auth(sibling))
    assert r.status_code == 404
    r2 = client.get(f"{_base(sibling)}/Messages/{m['sid']}.json", auth=_auth(sibling))
    assert r2.status_code == 404
