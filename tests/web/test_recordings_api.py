"""Recordings through the front door: made by Record=true, priced, listed, fetched, soft-deleted."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.domain.models import Account
from tests.factories import make_account
from tests.web.voice import balance, base, basic, place, setup_account


def _place(client: TestClient, account: Account, from_: str, **form: str) -> str:
    return str(place(client, account, from_, **{"Record": "true", **form})["sid"])


def _recordings(client: TestClient, account: Account, path: str = "", **params: Any) -> Any:
    url = f"{base(account)}{path or '/Recordings.json'}"
    r = client.get(url, params=params, auth=basic(account))
    assert r.status_code == 200, r.text
    return r.json()


def _sids(body: Any) -> list[str]:
    return [r["sid"] for r in body["recordings"]]


def test_a_recorded_call_gets_a_recording_once_answered(
    client: TestClient, clock: FixedClock
) -> None:
    account, number = setup_account(client)
    call_sid = _place(client, account, number)
    assert balance(client, account) == "18.83350"  # number 1.15, call 0.014, recording 0.0025
    assert _recordings(client, account)["recordings"] == []
    clock.advance(3)
    [recording] = _recordings(client, account)["recordings"]
    sid = recording["sid"]
    path = f"/2010-04-01/Accounts/{account.sid}/Recordings/{sid}"
    assert sid.startswith("RE")
    assert recording == {
        "sid": sid,
        "account_sid": account.sid,
        "call_sid": call_sid,
        "conference_sid": None,
        "api_version": "2010-04-01",
        "date_created": "Wed, 25 Nov 2026 12:00:03 +0000",
        "date_updated": "Wed, 25 Nov 2026 12:00:03 +0000",
        "start_time": "Wed, 25 Nov 2026 12:00:03 +0000",
        "duration": "-1",
        "price": None,
        "price_unit": "USD",
        "status": "in-progress",
        "channels": 1,
        "source": "OutboundAPI",
        "error_code": None,
        "encryption_details": None,
        "media_url": f"https://api.twilio.com{path}",
        "uri": f"{path}.json",
        "subresource_uris": {
            "add_on_results": f"{path}/AddOnResults.json",
            "transcriptions": f"{path}/Transcriptions.json",
        },
    }
    clock.advance(60)
    done = client.get(f"{path}.json", auth=basic(account)).json()
    assert (done["status"], done["duration"], done["price"]) == ("completed", "60", "-0.00250")
    assert balance(client, account) == "18.83350"


def test_a_call_without_record_has_no_recording(client: TestClient, clock: FixedClock) -> None:
    account, number = setup_account(client)
    call_sid = _place(client, account, number, Record="false")
    clock.advance(10)
    assert _recordings(client, account)["recordings"] == []
    assert _recordings(client, account, f"/Calls/{call_sid}/Recordings.json")["recordings"] == []


def test_an_early_end_shortens_the_recording(client: TestClient, clock: FixedClock) -> None:
    account, number = setup_account(client)
    call_sid = _place(client, account, number)
    clock.advance(33)
    client.post(
        f"{base(account)}/Calls/{call_sid}.json", data={"Status": "completed"},
        auth=basic(account),
    )  # fmt: skip
    [recording] = _recordings(client, account)["recordings"]
    assert (recording["status"], recording["duration"], recording["price"]) == (
        "completed", "30", "-0.00250",
    )  # fmt: skip
    assert recording["date_updated"] == "Wed, 25 Nov 2026 12:00:33 +0000"


def test_per_call_list_and_fetch(client: TestClient, clock: FixedClock) -> None:
    account, number = setup_account(client)
    first = _place(client, account, number)
    second = _place(client, account, number)
    clock.advance(3)
    rec_first, rec_second = (
        _sids(_recordings(client, account, f"/Calls/{c}/Recordings.json"))[0]
        for c in (first, second)
    )
    assert _sids(_recordings(client, account)) == [rec_second, rec_first]
    assert _sids(_recordings(client, account, CallSid=first)) == [rec_first]
    per_call = f"{base(account)}/Calls/{first}/Recordings/{rec_first}.json"
    assert client.get(per_call, auth=basic(account)).json()["call_sid"] == first
    wrong_call = f"{base(account)}/Calls/{second}/Recordings/{rec_first}.json"
    assert client.get(wrong_call, auth=basic(account)).status_code == 404
    body = _recordings(client, account, f"/Calls/{first}/Recordings.json")
    assert body["uri"] == (
        f"/2010-04-01/Accounts/{account.sid}/Calls/{first}/Recordings.json?PageSize=50&Page=0"
    )


def test_date_created_filters_and_paging(client: TestClient, clock: FixedClock) -> None:
    account, number = setup_account(client)
    _place(client, account, number)
    clock.advance(2)
    _place(client, account, number)
    clock.advance(3)  # both answered: at 12:00:03 and 12:00:05
    older, newer = reversed(_sids(_recordings(client, account)))
    assert _sids(_recordings(client, account, DateCreated="2026-11-25")) == [newer, older]
    assert _sids(_recordings(client, account, DateCreated="2026-11-24")) == []
    assert _sids(_recordings(client, account, **{"DateCreated>": "2026-11-25T12:00:04Z"})) == [
        newer
    ]
    assert _sids(_recordings(client, account, **{"DateCreated<": "2026-11-25T12:00:04Z"})) == [
        older
    ]
    page = _recordings(client, account, PageSize=1, DateCreated="2026-11-25")
    assert _sids(page) == [newer]
    assert "DateCreated=2026-11-25" in page["next_page_uri"]
    following = client.get(page["next_page_uri"], auth=basic(account)).json()
    assert _sids(following) == [older]
    assert following["next_page_uri"] is None


def test_delete_is_soft_and_only_once_completed(client: TestClient, clock: FixedClock) -> None:
    account, number = setup_account(client)
    _place(client, account, number)
    clock.advance(3)
    [sid] = _sids(_recordings(client, account))
    url = f"{base(account)}/Recordings/{sid}.json"
    early = client.delete(url, auth=basic(account))
    assert (early.status_code, early.json()["code"]) == (400, 20009)
    clock.advance(60)
    assert client.delete(url, auth=basic(account)).status_code == 204
    assert client.get(url, auth=basic(account)).status_code == 404
    assert client.delete(url, auth=basic(account)).status_code == 404
    assert _recordings(client, account)["recordings"] == []
    assert balance(client, account) == "18.83350"  # a deleted recording is not refunded


def test_other_accounts_recordings_are_404_and_malformed_sids_70002(
    client: TestClient, clock: FixedClock
) -> None:
    account, number = setup_account(client)
    stranger = make_account(client, "Stranger")
    call_sid = _place(client, account, number)
    clock.advance(3)
    [sid] = _sids(_recordings(client, account))
    for method in ("GET", "DELETE"):
        r = client.request(method, f"{base(stranger)}/Recordings/{sid}.json", auth=basic(stranger))
        assert (r.status_code, r.json()["code"]) == (404, 20404)
    assert _recordings(client, stranger)["recordings"] == []
    r = client.get(f"{base(stranger)}/Calls/{call_sid}/Recordings.json", auth=basic(stranger))
    assert r.status_code == 404
    r = client.get(f"{base(account)}/Recordings/CA{sid[2:]}.json", auth=basic(account))
    assert (r.status_code, r.json()["code"]) == (400, 70002)
    r = client.get(
        f"{base(account)}/Recordings.json", params={"CallSid": "nope"}, auth=basic(account)
    )
    assert (r.status_code, r.json()["code"]) == (400, 70002)


def test_a_recording_is_hidden_until_its_call_is_answered(client: TestClient) -> None:
    account, number = setup_account(client)
    call_sid = _place(client, account, number)
    assert _recordings(client, account, f"/Calls/{call_sid}/Recordings.json")["recordings"] == []


def test_a_restricted_key_reads_recordings_only_as_granted(
    client: TestClient, clock: FixedClock
) -> None:
    account, number = setup_account(client)
    _place(client, account, number)
    clock.advance(63)
    [sid] = _sids(_recordings(client, account))
    key = client.post(
        "/v1/Keys",
        data={
            "AccountSid": account.sid,
            "KeyType": "restricted",
            "Policy": json.dumps({"allow": ["/twilio/voice/recordings/list"]}),
        },
        auth=basic(account),
    ).json()
    auth = (key["sid"], key["secret"])
    assert client.get(f"{base(account)}/Recordings.json", auth=auth).status_code == 200
    for method in ("GET", "DELETE"):
        r = client.request(method, f"{base(account)}/Recordings/{sid}.json", auth=auth)
        assert (r.status_code, r.json()["code"]) == (401, 70051)
