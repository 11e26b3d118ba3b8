"""`/v1/Events` and `/v1/Events/{Sid}`: Twilio's Monitor fields, filters, paging, isolation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.domain.models import Account
from tests.factories import make_account, make_subaccount

DOCS = "https://www.twilio.com/docs/errors"
BASE = "http://testserver"


def _auth(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def new_key(client: TestClient, account: Account, **form: str) -> dict[str, Any]:
    r = client.post("/v1/Keys", data={"AccountSid": account.sid, **form}, auth=_auth(account))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def listed(client: TestClient, auth: tuple[str, str], **params: str) -> list[dict[str, Any]]:
    r = client.get("/v1/Events", params=params, auth=auth)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["events"]
    return items


def test_fetch_returns_twilio_fields_exactly(client: TestClient) -> None:
    account = make_account(client)
    key = new_key(client, account, FriendlyName="ci")
    [event, _] = listed(client, _auth(account))
    r = client.get(f"/v1/Events/{event['sid']}", auth=_auth(account))
    assert r.status_code == 200
    assert r.json() == {
        "account_sid": account.sid,
        "actor_sid": account.sid,
        "actor_type": "account",
        "description": "API key created",
        "event_data": {"friendly_name": "ci", "key_type": "standard"},
        "event_date": "2026-11-25T12:00:00Z",
        "event_type": "api-keys.created",
        "resource_sid": key["sid"],
        "resource_type": "api-keys",
        "sid": event["sid"],
        "source": "api",
        "source_ip_address": "testclient",
        "url": f"{BASE}/v1/Events/{event['sid']}",
        "links": {
            "actor": f"{BASE}/2010-04-01/Accounts/{account.sid}.json",
            "resource": f"{BASE}/v1/Keys/{key['sid']}",
        },
    }
    assert r.json() == event
    assert event["sid"].startswith("AE")


def test_list_is_newest_first_in_the_v1_envelope(client: TestClient) -> None:
    account = make_account(client)
    keys = [new_key(client, account)["sid"] for _ in range(3)]
    r = client.get("/v1/Events", params={"PageSize": "2"}, auth=_auth(account))
    body = r.json()
    assert [e["resource_sid"] for e in body["events"]] == keys[::-1][:2]
    meta = body["meta"]
    assert (meta["key"], meta["page"], meta["page_size"]) == ("events", 0, 2)
    assert meta["url"] == f"{BASE}/v1/Events?PageSize=2&Page=0"
    assert meta["first_page_url"] == f"{BASE}/v1/Events?PageSize=2&Page=0"
    assert meta["previous_page_url"] is None
    last = body["events"][-1]["sid"]
    assert meta["next_page_url"] == f"{BASE}/v1/Events?PageSize=2&Page=1&PageToken=PA{last}"
    second = client.get(meta["next_page_url"], auth=_auth(account)).json()
    assert [e["resource_sid"] for e in second["events"]] == [keys[0], account.sid]
    assert second["meta"]["next_page_url"] is None
    assert second["meta"]["previous_page_url"] is not None


def test_filters_by_type_resource_actor_and_address_and_keep_them_in_links(
    client: TestClient,
) -> None:
    account = make_account(client)
    main_key = new_key(client, account, KeyType="main")
    by_key = (main_key["sid"], main_key["secret"])
    other = client.post("/v1/Keys", data={"AccountSid": account.sid}, auth=by_key).json()
    client.post(f"/v1/Keys/{other['sid']}", data={"FriendlyName": "x"}, auth=by_key)

    def types(**params: str) -> list[str]:
        return [e["event_type"] for e in listed(client, _auth(account), **params)]

    assert types(EventType="api-keys.updated") == ["api-keys.updated"]
    assert types(ResourceSid=other["sid"]) == ["api-keys.updated", "api-keys.created"]
    assert types(ActorSid=main_key["sid"]) == ["api-keys.updated", "api-keys.created"]
    assert types(ActorSid=account.sid) == ["api-keys.created"]
    assert types(SourceIpAddress="testclient") == ["api-keys.updated"] + ["api-keys.created"] * 2
    assert types(SourceIpAddress="203.0.113.1") == []
    assert types(EventType="accounts.created") == ["accounts.created"]
    r = client.get(
        "/v1/Events", params={"EventType": "api-keys.created", "PageSize": "1"}, auth=_auth(account)
    )
    assert r.json()["meta"]["next_page_url"].startswith(
        f"{BASE}/v1/Events?EventType=api-keys.created&PageSize=1&Page=1&PageToken=PA"
    )


def test_start_and_end_dates_include_the_second_or_day_they_name(
    client: TestClient, clock: FixedClock
) -> None:
    account = make_account(client)  # 2026-11-25T12:00:00Z
    clock.advance(0.5)
    new_key(client, account)  # 12:00:00.5
    clock.advance(86400)
    new_key(client, account)  # the next day

    def count(**params: str) -> int:
        return len(listed(client, _auth(account), **params))

    assert count(StartDate="2026-11-25T12:00:00Z") == 3
    assert count(StartDate="2026-11-25T12:00:01Z") == 1
    assert count(EndDate="2026-11-25T12:00:00Z") == 2
    assert count(EndDate="2026-11-25T11:59:59Z") == 0
    assert count(StartDate="2026-11-25", EndDate="2026-11-25") == 2
    assert count(StartDate="2026-11-26") == 1
    assert count(EndDate="2026-11-25T13:00:00+01:00") == 2
    assert count(EndDate="2026-11-25T12:00:00.100000Z") == 1
    assert count(StartDate="2026-11-27", EndDate="2026-11-20") == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("StartDate", "yesterday"),
        ("StartDate", "2026-13-01"),
        ("EndDate", "2026-11-25T25:00:00Z"),
        ("EndDate", "20261125"),
        ("EndDate", ""),
        ("StartDate", "2026-11-25T12:00Z"),
    ],
)
def test_a_malformed_date_is_a_400(client: TestClient, name: str, value: str) -> None:
    account = make_account(client)
    r = client.get("/v1/Events", params={name: value}, auth=_auth(account))
    assert r.status_code == 400
    assert r.json() == {
        "code": 20001,
        "message": f"{name} must be an ISO 8601 date or date-time, e.g. 2015-08-25T20:38:17Z",
        "more_info": f"{DOCS}/20001",
        "status": 400,
    }


def test_another_accounts_event_is_not_found_and_not_listed(client: TestClient) -> None:
    owner = make_account(client, "Owner")
    stranger = make_account(client, "Stranger")
    sub = make_subaccount(client, owner)
    new_key(client, owner)
    theirs = listed(client, _auth(owner))
    assert len(theirs) == 3
    for intruder in (stranger, sub):
        visible = {e["sid"] for e in listed(client, _auth(intruder))}
        assert visible.isdisjoint(e["sid"] for e in theirs)
        for event in theirs:
            r = client.get(f"/v1/Events/{event['sid']}", auth=_auth(intruder))
            assert r.status_code == 404
            assert r.json()["code"] == 20404
        r = client.get(
            "/v1/Events", params={"ResourceSid": theirs[0]["resource_sid"]}, auth=_auth(intruder)
        )
        assert r.json()["events"] == []
    # a page token naming another account's event is as invalid as an unknown one
    r = client.get(
        "/v1/Events", params={"PageToken": "PA" + theirs[0]["sid"]}, auth=_auth(stranger)
    )
    assert r.status_code == 400


def test_unknown_and_malformed_event_sids(client: TestClient) -> None:
    account = make_account(client)
    r = client.get("/v1/Events/AE" + "0" * 32, auth=_auth(account))
    assert r.status_code == 404
    assert client.get("/v1/Events/SK" + "0" * 32, auth=_auth(account)).json()["code"] == 70002


def test_restricted_keys_need_the_monitor_events_permissions(client: TestClient) -> None:
    account = make_account(client)
    allowed = new_key(
        client,
        account,
        KeyType="restricted",
        Policy=json.dumps({"allow": ["/twilio/monitor/events/*"]}),
    )
    only_list = new_key(
        client,
        account,
        KeyType="restricted",
        Policy=json.dumps({"allow": ["/twilio/monitor/events/list"]}),
    )
    without = new_key(
        client,
        account,
        KeyType="restricted",
        Policy=json.dumps({"allow": ["/twilio/voice/calls/list"]}),
    )
    standard = new_key(client, account)
    for key in (allowed, only_list, standard):
        assert len(listed(client, (key["sid"], key["secret"]))) == 5
    event = listed(client, _auth(account))[0]
    fetch = f"/v1/Events/{event['sid']}"
    assert client.get(fetch, auth=(allowed["sid"], allowed["secret"])).status_code == 200
    r = client.get(fetch, auth=(only_list["sid"], only_list["secret"]))
    assert (r.status_code, r.json()["code"]) == (401, 70051)
    r = client.get("/v1/Events", auth=(without["sid"], without["secret"]))
    assert r.status_code == 401
    assert r.json() == {
        "code": 70051,
        "message": "Authorization Error: required permission twilio/monitor/events/list is missing",
        "more_info": f"{DOCS}/70051",
        "status": 401,
    }


def test_events_need_authentication(client: TestClient) -> None:
    assert client.get("/v1/Events").status_code == 401
    assert client.get("/v1/Events/AE" + "0" * 32).status_code == 401
