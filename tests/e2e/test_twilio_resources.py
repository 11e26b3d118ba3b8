"""Issue 3 through the unmodified `twilio` library: keys, numbers, messages, balance, usage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.e2e.conftest import CharterServer, MainAccount
from tests.twilio_local import local_client

pytestmark = pytest.mark.slow


def test_buy_send_list_and_pay_exactly(server: CharterServer, main_account: MainAccount) -> None:
    client = local_client(server.base, main_account.sid, main_account.auth_token)
    account = client.api.v2010.accounts(main_account.sid)
    offered = account.available_phone_numbers("US").local.list(area_code=415, limit=3)
    assert len(offered) == 3
    assert all(n.phone_number.startswith("+1415") for n in offered)
    number = account.incoming_phone_numbers.create(phone_number=offered[0].phone_number)
    assert number.sid.startswith("PN")
    assert number.capabilities["sms"] is True
    sent = [
        client.messages.create(to="+14155550100", from_=number.phone_number, body=f"hello {i}")
        for i in range(5)
    ]
    assert all(m.status == "queued" for m in sent)
    assert sent[0].num_segments == "1"
    listed = client.messages.list(page_size=2)
    assert [m.sid for m in listed] == [m.sid for m in reversed(sent)]
    one = client.messages(sent[0].sid).fetch()
    assert one.body == "hello 0"
    balance = account.balance.fetch()
    assert Decimal(balance.balance) == Decimal("20") - Decimal("1.15") - 5 * Decimal("0.0079")
    assert balance.currency == "USD"
    usage = {r.category: r for r in account.usage.records.list()}
    assert usage["sms"].count == "5"
    assert Decimal(usage["totalprice"].price) == Decimal("1.18950")
    assert [r.category for r in account.usage.records.today.list(category="sms")] == ["sms"]


def test_refusals_surface_as_twilio_errors(
    server: CharterServer, main_account: MainAccount
) -> None:
    client = local_client(server.base, main_account.sid, main_account.auth_token)
    with pytest.raises(TwilioRestException) as refused:
        client.messages.create(to="+14155550100", from_="+14155559999", body="x")
    assert (refused.value.status, refused.value.code) == (400, 21606)
    with pytest.raises(TwilioRestException) as invalid:
        client.api.v2010.accounts(main_account.sid).incoming_phone_numbers.create(
            phone_number="+33612345678"
        )
    assert invalid.value.code == 21421


def test_keys_through_the_library(server: CharterServer, main_account: MainAccount) -> None:
    client = local_client(server.base, main_account.sid, main_account.auth_token)
    new = client.api.v2010.accounts(main_account.sid).new_keys.create(friendly_name="ci")
    assert new.secret
    with_key = local_client(server.base, new.sid, new.secret, account_sid=main_account.sid)
    assert with_key.api.v2010.accounts(main_account.sid).balance.fetch().currency == "USD"
    with pytest.raises(TwilioRestException) as denied:
        with_key.api.v2010.accounts(main_account.sid).fetch()
    assert (denied.value.status, denied.value.code) == (401, 20003)

    restricted = client.iam.v1.new_api_key.create(
        account_sid=main_account.sid,
        friendly_name="reader",
        key_type="restricted",
        policy={"allow": ["/twilio/messaging/messages/read"]},
    )
    assert restricted.policy == {"allow": ["/twilio/messaging/messages/read"]}
    reader = local_client(
        server.base, restricted.sid, restricted.secret, account_sid=main_account.sid
    )
    with pytest.raises(TwilioRestException) as missing:
        reader.api.v2010.accounts(main_account.sid).balance.fetch()
    assert (missing.value.status, missing.value.code) == (401, 70051)
    keys = client.iam.v1.get_api_keys.list(account_sid=main_account.sid)
    assert {k.sid for k in keys} == {new.sid, restricted.sid}
    assert client.iam.v1.api_key(restricted.sid).delete() is True
    with pytest.raises(TwilioRestException):
        reader.api.v2010.accounts(main_account.sid).messages("SM" + "0" * 32).fetch()
    with pytest.raises(TwilioRestException) as bad_policy:
        client.iam.v1.new_api_key.create(
            account_sid=main_account.sid,
            key_type="restricted",
            policy={"allow": ["/twilio/fakepermission/doesnotexist"]},
        )
    assert bad_policy.value.code == 70002
