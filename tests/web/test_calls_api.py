"""Calls through the front door: the simulated timeline, redirects, refusals and lists."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from tests.factories import make_account, runtime
from tests.web.voice import (
    DOCS,
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


def test_a_call_moves_with_the_clock_and_is_priced_once_completed(
    client: TestClient, clock: FixedClock
) -> None:
    account = make_account(client)
    number = buy_number(client, account)
    placed = place(client, account, number["phone_number"])
    sid = placed["sid"]
    path = f"/2010-04-01/Accounts/{account.sid}/Calls/{sid}"
    assert sid.startswith("CA")
    assert len(sid) == 34
    assert placed == {
        "sid": sid,
        "date_created": "Wed, 25 Nov 2026 12:00:00 +0000",
        "date_updated": "Wed, 25 Nov 2026 12:00:00 +0000",
        "parent_call_sid": None,
        "account_sid": account.sid,
        "to": TO,
        "to_formatted": "(415) 555-0100",
        "from": number["phone_number"],
        "from_formatted": number["friendly_name"],
        "phone_number_sid": number["sid"],
        "status": "queued",
        "start_time": None,
        "end_time": None,
        "duration": None,
        "price": None,
        "price_unit": "USD",
        "direction": "outbound-api",
        "answered_by": None,
        "api_version": "2010-04-01",
        "forwarded_from": None,
        "group_sid": None,
        "caller_name": None,
        "queue_time": "0",
        "trunk_sid": None,
        "uri": f"{path}.json",
        "subresource_uris": {
            "notifications": f"{path}/Notifications.json",
            "recordings": f"{path}/Recordings.json",
            "payments": f"{path}/Payments.json",
            "events": f"{path}/Events.json",
            "siprec": f"{path}/Siprec.json",
            "streams": f"{path}/Streams.json",
            "user_defined_message_subscriptions": f"{path}/UserDefinedMessageSubscriptions.json",
            "user_defined_messages": f"{path}/UserDefinedMessages.json",
        },
    }
    assert balance(client, account) == "18.83600"  # 20 - 1.15 (number) - 0.014 (one minute)
    clock.advance(1)
    assert fetch_call(client, account, sid)["status"] == "ringing"
    clock.advance(2)
    answered = fetch_call(client, account, sid)
    assert answered["status"] == "in-progress"
    assert answered["start_time"] == "Wed, 25 Nov 2026 12:00:03 +0000"
    assert (answered["end_time"], answered["duration"], answered["price"]) == (None, None, None)
    clock.advance(60)
    done = fetch_call(client, account, sid)
    assert done["status"] == "completed"
    assert done["end_time"] == "Wed, 25 Nov 2026 12:01:03 +0000"
    assert (done["duration"], done["price"]) == ("60", "-0.01400")
    assert balance(client, account) == "18.83600"


def test_time_limit_shortens_the_planned_call(client: TestClient, clock: FixedClock) -> None:
    account, number = setup_account(client)
    sid = place(client, account, number, TimeLimit="20")["sid"]
    clock.advance(22)
    assert fetch_call(client, account, sid)["status"] == "in-progress"
    clock.advance(1)
    done = fetch_call(client, account, sid)
    assert (done["status"], done["duration"], done["price"]) == ("completed", "20", "-0.01400")


def test_twiml_and_application_sid_are_instructions_too(client: TestClient) -> None:
    account, number = setup_account(client)
    place(client, account, number, Url=None, Twiml="<Response><Say>Hi</Say></Response>")
    place(client, account, number, Url=None, ApplicationSid="AP" + "a" * 32)
    assert balance(client, account) == "18.82200"


def test_status_canceled_leaves_an_in_progress_call_alone(
    client: TestClient, clock: FixedClock
) -> None:
    account, number = setup_account(client)
    sid = place(client, account, number)["sid"]
    clock.advance(5)
    r = update_call(client, account, sid, Status="canceled")
    assert r.status_code == 200
    assert r.json()["status"] == "in-progress"
    assert balance(client, account) == "18.83600"


def test_redirecting_a_live_call_is_stored(client: TestClient, clock: FixedClock) -> None:
    account, number = setup_account(client)
    sid = place(client, account, number)["sid"]
    clock.advance(5)
    r = update_call(client, account, sid, Url="https://example.com/next", Method="GET")
    assert r.status_code == 200
    assert r.json()["status"] == "in-progress"
    assert r.json()["date_updated"] == "Wed, 25 Nov 2026 12:00:05 +0000"
    rt = runtime(client)
    stored = client.portal.call(rt.calls.get, account, sid)  # type: ignore[union-attr]
    assert (stored.instructions.url, stored.instructions.method) == (
        "https://example.com/next",
        "GET",
    )
    update_call(client, account, sid, Twiml="<Response><Hangup/></Response>")
    stored = client.portal.call(rt.calls.get, account, sid)  # type: ignore[union-attr]
    assert (stored.instructions.url, stored.instructions.twiml) == (
        None,
        "<Response><Hangup/></Response>",
    )
    bad = update_call(client, account, sid, Url="example.com")
    assert (bad.status_code, bad.json()["code"]) == (400, 21205)
    both = update_call(client, account, sid, Url=URL, Twiml="<Response/>")
    assert (both.status_code, both.json()["code"]) == (400, 20001)
    other = update_call(client, account, sid, Status="busy")
    assert (other.status_code, other.json()["code"]) == (400, 20001)


def test_a_call_that_has_ended_cannot_change(client: TestClient, clock: FixedClock) -> None:
    account, number = setup_account(client)
    done = place(client, account, number)["sid"]
    canceled = place(client, account, number)["sid"]
    update_call(client, account, canceled, Status="canceled")
    clock.advance(63)
    for sid in (done, canceled):
        for form in ({"Status": "completed"}, {"Status": "canceled"}, {"Url": URL}):
            r = update_call(client, account, sid, **form)
            assert r.status_code == 400
            assert r.json() == {
                "code": 21220,
                "message": "Call is not in-progress. Cannot redirect.",
                "more_info": f"{DOCS}/21220",
                "status": 400,
            }
    assert update_call(client, account, done).status_code == 200  # nothing asked, nothing refused
    assert balance(client, account) == "18.83600"


def test_bad_calls_create_nothing_and_charge_nothing(client: TestClient) -> None:
    account, number = setup_account(client)
    good = {"To": TO, "From": number, "Url": URL}
    cases: list[tuple[dict[str, str], int]] = [
        ({"From": number, "Url": URL}, 21201),
        ({"To": TO, "Url": URL}, 21213),
        ({"To": TO, "From": number}, 21205),
        ({**good, "Url": "not a url"}, 21205),
        ({**good, "Twiml": "<Response/>"}, 20001),
        ({**good, "To": "555-0100"}, 21211),
        ({**good, "To": "+15005550001"}, 21211),
        ({**good, "From": "+14155559999"}, 21210),
        ({**good, "StatusCallback": "example.com/status"}, 20001),
        ({**good, "StatusCallbackEvent": "hangup"}, 20001),
        ({**good, "Method": "PUT"}, 20001),
        ({**good, "TimeLimit": "0"}, 20001),
        ({**good, "TimeLimit": "soon"}, 20001),
    ]
    for data, code in cases:
        r = client.post(f"{base(account)}/Calls.json", data=data, auth=basic(account))
        assert r.status_code == 400, data
        assert r.json()["code"] == code, data
    assert list_sids(client, account) == []
    assert balance(client, account) == "18.85000"


def test_a_number_the_account_does_not_own_is_21210(client: TestClient) -> None:
    account, _ = setup_account(client)
    _, theirs = setup_account(client, friendly_name="Other")
    r = client.post(
        f"{base(account)}/Calls.json", data={"To": TO, "From": theirs, "Url": URL},
        auth=basic(account),
    )  # fmt: skip
    assert r.json() == {
        "code": 21210,
        "message": f"The source phone number provided, {theirs}, is not yet verified for your "
        "account. You may only make calls from phone numbers that you've verified or purchased "
        "from Twilio.",
        "more_info": f"{DOCS}/21210",
        "status": 400,
    }


def test_list_is_newest_first_with_filters_and_paging(
    client: TestClient, clock: FixedClock
) -> None:
    account, number = setup_account(client)
    second_number = buy_number(client, account)["phone_number"]
    a = place(client, account, number, TimeLimit="10")["sid"]  # completes at +13 s
    clock.advance(5)
    b = place(client, account, second_number, To="+14155550111")["sid"]
    clock.advance(1)
    c = place(client, account, number)["sid"]
    d = place(client, account, number)["sid"]
    update_call(client, account, d, Status="canceled")
    clock.advance(1)
    e = place(client, account, number)["sid"]
    # at +7 s: a answered (+3), b and c ringing (+6, +7), d canceled, e queued
    assert list_sids(client, account) == [e, d, c, b, a]
    assert list_sids(client, account, Status="queued") == [e]
    assert list_sids(client, account, Status="ringing") == [c, b]
    assert list_sids(client, account, Status="in-progress") == [a]
    assert list_sids(client, account, Status="canceled") == [d]
    assert list_sids(client, account, Status="completed") == []
    assert list_sids(client, account, Status="busy") == []
    clock.advance(6)  # +13 s
    assert list_sids(client, account, Status="completed") == [a]
    assert list_sids(client, account, Status="in-progress") == [e, c, b]
    assert list_sids(client, account, To="+14155550111") == [b]
    assert list_sids(client, account, From=second_number) == [b]
    assert list_sids(client, account, ParentCallSid="CA" + "1" * 32) == []
    assert list_sids(client, account, StartTime="2026-11-25") == [e, c, b, a]
    assert list_sids(client, account, **{"StartTime>": "2026-11-25T12:00:09Z"}) == [e, c]
    assert list_sids(client, account, **{"StartTime<": "2026-11-25T12:00:09Z"}) == [b, a]
    assert list_sids(client, account, StartTime="2026-11-26") == []
    assert list_sids(client, account, EndTime="2026-11-25") == [a]
    assert list_sids(client, account, **{"EndTime>": "2026-11-25T12:00:14Z"}) == []
    bad = client.get(
        f"{base(account)}/Calls.json", params={"Status": "hung-up"}, auth=basic(account)
    )
    assert (bad.status_code, bad.json()["code"]) == (400, 20001)
    bad = client.get(
        f"{base(account)}/Calls.json", params={"StartTime": "yesterday"}, auth=basic(account)
    )
    assert bad.status_code == 400
    first = client.get(
        f"{base(account)}/Calls.json", params={"PageSize": 2, "Status": "in-progress"},
        auth=basic(account),
    ).json()  # fmt: skip
    assert [x["sid"] for x in first["calls"]] == [e, c]
    assert "Status=in-progress" in first["next_page_uri"]
    second = client.get(first["next_page_uri"], auth=basic(account)).json()
    assert [x["sid"] for x in second["calls"]] == [b]
    assert second["next_page_uri"] is None


def test_delete_only_once_the_call_has_ended(client: TestClient, clock: FixedClock) -> None:
    account, number = setup_account(client)
    sid = place(client, account, number)["sid"]
    url = f"{base(account)}/Calls/{sid}.json"
    clock.advance(5)
    r = client.delete(url, auth=basic(account))
    assert r.status_code == 400
    assert r.json()["code"] == 20009
    clock.advance(60)
    assert client.delete(url, auth=basic(account)).status_code == 204
    assert client.get(url, auth=basic(account)).status_code == 404
    assert client.delete(url, auth=basic(account)).status_code == 404
    assert balance(client, account) == "18.83600"


def test_other_accounts_calls_are_404_and_malformed_sids_70002(client: TestClient) -> None:
    account, number = setup_account(client)
    stranger = make_account(client, "Stranger")
    sid = place(client, account, number)["sid"]
    for method in ("GET", "POST", "DELETE"):
        r = client.request(method, f"{base(stranger)}/Calls/{sid}.json", auth=basic(stranger))
        assert r.status_code == 404, method
        assert r.json()["code"] == 20404
    assert list_sids(client, stranger) == []
    r = client.get(f"{base(account)}/Calls/{sid}.json", auth=basic(stranger))
    assert r.status_code == 404
    r = client.get(f"{base(account)}/Calls/SM{sid[2:]}.json", auth=basic(account))
    assert (r.status_code, r.json()["code"]) == (400, 70002)


def test_a_restricted_key_needs_each_permission(client: TestClient) -> None:
    account, number = setup_account(client)
    sid = place(client, account, number)["sid"]
    key = client.post(
        "/v1/Keys",
        data={
            "AccountSid": account.sid,
            "KeyType": "restricted",
            "Policy": json.dumps({"allow": ["/twilio/voice/calls/read"]}),
        },
        auth=basic(account),
    ).json()
    auth = (key["sid"], key["secret"])
    assert client.get(f"{base(account)}/Calls/{sid}.json", auth=auth).status_code == 200
    listed = client.get(f"{base(account)}/Calls.json", auth=auth)
    assert listed.status_code == 401
    assert listed.json() == {
        "code": 70051,
        "message": "Authorization Error: required permission twilio/voice/calls/list is missing",
        "more_info": f"{DOCS}/70051",
        "status": 401,
    }
    created = client.post(
        f"{base(account)}/Calls.json", data={"To": TO, "From": number, "Url": URL}, auth=auth
    )
    assert (created.status_code, created.json()["code"]) == (401, 70051)
    assert "calls/create" in created.json()["message"]
    assert list_sids(client, account) == [sid]
