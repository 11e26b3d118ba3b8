"""Phone numbers through the front door: search, buy (charged), update, transfer, release."""

from __future__ import annotations

from starlette.testclient import TestClient

from charter.domain.models import Account
from tests.factories import make_account, make_subaccount


def _auth(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def _base(account: Account) -> str:
    return f"/2010-04-01/Accounts/{account.sid}"


def test_search_is_deterministic_and_honours_area_code_and_contains(client: TestClient) -> None:
    account = make_account(client)
    url = f"{_base(account)}/AvailablePhoneNumbers/US/Local.json"
    first = client.get(url, params={"AreaCode": "808", "PageSize": 5}, auth=_auth(account)).json()
    again = client.get(url, params={"AreaCode": "808", "PageSize": 5}, auth=_auth(account)).json()
    numbers = [n["phone_number"] for n in first["available_phone_numbers"]]
    assert numbers == [n["phone_number"] for n in again["available_phone_numbers"]]
    assert len(numbers) == 5
    assert all(n.startswith("+1808") for n in numbers)
    assert first["available_phone_numbers"][0]["locality"] == "Hilo"
    contains = client.get(url, params={"Contains": "55"}, auth=_auth(account)).json()
    assert contains["available_phone_numbers"]
    assert all("55" in n["phone_number"][2:] for n in contains["available_phone_numbers"])


def test_countries_and_types(client: TestClient) -> None:
    account = make_account(client)
    body = client.get(f"{_base(account)}/AvailablePhoneNumbers.json", auth=_auth(account)).json()
    assert {c["country_code"] for c in body["countries"]} == {"US", "CA", "GB"}
    gb = client.get(f"{_base(account)}/AvailablePhoneNumbers/GB.json", auth=_auth(account)).json()
    assert set(gb["subresource_uris"]) == {"local", "mobile", "toll_free"}
    r = client.get(f"{_base(account)}/AvailablePhoneNumbers/US/Mobile.json", auth=_auth(account))
    assert r.status_code == 400
    assert (
        client.get(
            f"{_base(account)}/AvailablePhoneNumbers/ZZ/Local.json", auth=_auth(account)
        ).status_code
        == 400
    )


def test_buying_charges_the_first_month_and_removes_it_from_search(client: TestClient) -> None:
    account = make_account(client)
    search = f"{_base(account)}/AvailablePhoneNumbers/US/Local.json"
    offered = client.get(
        search, params={"AreaCode": "415", "PageSize": 1}, auth=_auth(account)
    ).json()
    number = offered["available_phone_numbers"][0]["phone_number"]
    r = client.post(
        f"{_base(account)}/IncomingPhoneNumbers.json",
        data={"PhoneNumber": number},
        auth=_auth(account),
    )
    assert r.status_code == 201
    body = r.json()
    assert body["sid"].startswith("PN")
    assert body["phone_number"] == number
    assert body["friendly_name"] == f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    balance = client.get(f"{_base(account)}/Balance.json", auth=_auth(account)).json()
    assert balance == {"account_sid": account.sid, "balance": "18.85000", "currency": "USD"}
    after = client.get(
        search, params={"AreaCode": "415", "PageSize": 1}, auth=_auth(account)
    ).json()
    assert after["available_phone_numbers"][0]["phone_number"] != number
    again = client.post(
        f"{_base(account)}/IncomingPhoneNumbers.json",
        data={"PhoneNumber": number},
        auth=_auth(account),
    )
    assert again.status_code == 400
    assert again.json()["code"] == 21422


def test_buy_by_area_code_and_toll_free_price(client: TestClient) -> None:
    account = make_account(client)
    r = client.post(
        f"{_base(account)}/IncomingPhoneNumbers.json", data={"AreaCode": "212"}, auth=_auth(account)
    )
    assert r.json()["phone_number"].startswith("+1212")
    free = client.get(
        f"{_base(account)}/AvailablePhoneNumbers/US/TollFree.json",
        params={"PageSize": 1},
        auth=_auth(account),
    )
    number = free.json()["available_phone_numbers"][0]["phone_number"]
    r2 = client.post(
        f"{_base(account)}/IncomingPhoneNumbers/TollFree.json",
        data={"PhoneNumber": number},
        auth=_auth(account),
    )
    assert r2.status_code == 201
    assert (
        client.get(f"{_base(account)}/Balance.json", auth=_auth(account)).json()["balance"]
        == "16.70000"
    )


def test_bad_purchases_create_nothing_and_charge_nothing(client: TestClient) -> None:
    account = make_account(client)
    url = f"{_base(account)}/IncomingPhoneNumbers.json"
    cases = [
        ({}, 21451),
        ({"PhoneNumber": "+15551234567", "AreaCode": "415"}, 21451),
        ({"PhoneNumber": "12345"}, 20001),
        ({"PhoneNumber": "+33612345678"}, 21421),
        ({"AreaCode": "12"}, 20001),
    ]
    for data, code in cases:
        r = client.post(url, data=data, auth=_auth(account))
        assert r.status_code == 400, data
        assert r.json()["code"] == code, data
    assert client.get(url, auth=_auth(account)).json()["incoming_phone_numbers"] == []
    assert (
        client.get(f"{_base(account)}/Balance.json", auth=_auth(account)).json()["balance"]
        == "20.00000"
    )


def test_update_list_filter_and_release(client: TestClient) -> None:
    account = make_account(client)
    url = f"{_base(account)}/IncomingPhoneNumbers.json"
    a = client.post(
        url, data={"AreaCode": "415", "FriendlyName": "Support"}, auth=_auth(account)
    ).json()
    client.post(url, data={"AreaCode": "415"}, auth=_auth(account))
    r = client.post(
        f"{_base(account)}/IncomingPhoneNumbers/{a['sid']}.json",
        data={"SmsUrl": "https://example.com/sms", "VoiceMethod": "GET"},
        auth=_auth(account),
    )
    assert r.json()["sms_url"] == "https://example.com/sms"
    assert r.json()["voice_method"] == "GET"
    assert r.json()["friendly_name"] == "Support"
    listed = client.get(url, params={"FriendlyName": "Support"}, auth=_auth(account)).json()
    assert [n["sid"] for n in listed["incoming_phone_numbers"]] == [a["sid"]]
    by_number = client.get(
        url, params={"PhoneNumber": a["phone_number"]}, auth=_auth(account)
    ).json()
    assert [n["sid"] for n in by_number["incoming_phone_numbers"]] == [a["sid"]]
    d = client.delete(f"{_base(account)}/IncomingPhoneNumbers/{a['sid']}.json", auth=_auth(account))
    assert d.status_code == 204
    assert (
        client.get(
            f"{_base(account)}/IncomingPhoneNumbers/{a['sid']}.json", auth=_auth(account)
        ).status_code
        == 404
    )


def test_transfer_between_own_accounts_only(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    stranger = make_account(client, "Stranger")
    number = client.post(
        f"{_base(parent)}/IncomingPhoneNumbers.json", data={"AreaCode": "415"}, auth=_auth(parent)
    ).json()
    url = f"{_base(parent)}/IncomingPhoneNumbers/{number['sid']}.json"
    refused = client.post(url, data={"AccountSid": stranger.sid}, auth=_auth(parent))
    assert refused.status_code == 404
    moved = client.post(url, data={"AccountSid": sub.sid}, auth=_auth(parent))
    assert moved.json()["account_sid"] == sub.sid
    assert (
        client.get(
            f"{_base(sub)}/IncomingPhoneNumbers/{number['sid']}.json", auth=_auth(sub)
        ).status_code
        == 200
    )
    assert client.get(url, auth=_auth(parent)).status_code == 404


def test_subaccount_purchase_is_billed_to_the_main_account(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    client.post(
        f"{_base(sub)}/IncomingPhoneNumbers.json", data={"AreaCode": "415"}, auth=_auth(sub)
    )
    assert (
        client.get(f"{_base(parent)}/Balance.json", auth=_auth(parent)).json()["balance"]
        == "18.85000"
    )
    sub_balance = client.get(f"{_base(sub)}/Balance.json", auth=_auth(sub)).json()
    assert sub_balance == {"account_sid": sub.sid, "balance": "18.85000", "currency": "USD"}
