"""Calls and recordings through the unmodified `twilio` library against a real server."""

from __future__ import annotations

from decimal import Decimal

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.e2e.conftest import CharterServer, MainAccount
from tests.twilio_local import local_client

pytestmark = pytest.mark.slow


def test_place_list_and_pay_for_calls(server: CharterServer, main_account: MainAccount) -> None:
    client = local_client(server.base, main_account.sid, main_account.auth_token)
    account = client.api.v2010.accounts(main_account.sid)
    number = account.incoming_phone_numbers.create(area_code="212")
    calls = [
        client.calls.create(
            to="+14155550100",
            from_=number.phone_number,
            url="https://example.com/twiml",
            record=(i == 0),
        )
        for i in range(3)
    ]
    assert all(c.sid.startswith("CA") for c in calls)
    assert calls[0].status == "queued"
    assert calls[0].to_formatted == "(415) 555-0100"
    listed = client.calls.list(page_size=2)
    assert [c.sid for c in listed] == [c.sid for c in reversed(calls)]
    # three one-minute calls at 0.014 and one one-minute recording at 0.0025
    expected = Decimal("20") - Decimal("1.15") - 3 * Decimal("0.014") - Decimal("0.0025")
    assert Decimal(account.balance.fetch().balance) == expected
    usage = {r.category: r for r in account.usage.records.list()}
    assert usage["calls"].count == "3"
    assert usage["recordings"].count == "1"
    canceled = client.calls(calls[2].sid).update(status="canceled")
    assert canceled.status == "canceled"
    assert Decimal(account.balance.fetch().balance) == expected + Decimal("0.014")


def test_call_refusals(server: CharterServer, main_account: MainAccount) -> None:
    client = local_client(server.base, main_account.sid, main_account.auth_token)
    with pytest.raises(TwilioRestException) as unverified:
        client.calls.create(to="+14155550100", from_="+14155559999", url="https://example.com/x")
    assert unverified.value.code == 21210
    number = client.api.v2010.accounts(main_account.sid).incoming_phone_numbers.create(
        area_code="415"
    )
    with pytest.raises(TwilioRestException) as no_instructions:
        client.calls.create(to="+14155550100", from_=number.phone_number)
    assert no_instructions.value.code == 21205
    assert client.calls.list() == []
