"""Balance and Usage Records, derived from the ledger."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.domain.models import Account
from tests.factories import make_account, make_subaccount


def _auth(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def _base(account: Account) -> str:
    return f"/2010-04-01/Accounts/{account.sid}"


def _records(client: TestClient, account: Account, path: str = "", **params: Any) -> dict[str, Any]:
    r = client.get(f"{_base(account)}/Usage/Records{path}.json", params=params, auth=_auth(account))
    assert r.status_code == 200, r.text
    return {u["category"]: u for u in r.json()["usage_records"]}


def _use(client: TestClient, account: Account, messages: int) -> None:
    number = client.post(
        f"{_base(account)}/IncomingPhoneNumbers.json", data={"AreaCode": "415"}, auth=_auth(account)
    ).json()["phone_number"]
    for _ in range(messages):
        client.post(
            f"{_base(account)}/Messages.json",
            data={"From": number, "To": "+14155550100", "Body": "x" * 200},
            auth=_auth(account),
        )


def test_usage_records_sum_the_ledger_exactly(client: TestClient) -> None:
    account = make_account(client)
    _use(client, account, 3)
    records = _records(client, account)
    assert records["sms"]["count"] == "3"
    assert records["sms"]["usage"] == "6"  # two segments each
    assert records["sms"]["usage_unit"] == "segments"
    assert records["sms"]["price"] == "0.04740"
    assert records["phonenumbers"]["price"] == "1.15000"
    assert records["totalprice"]["price"] == "1.19740"
    assert records["totalprice"]["usage"] == "1.19740"
    balance = client.get(f"{_base(account)}/Balance.json", auth=_auth(account)).json()["balance"]
    assert balance == "18.80260"  # 20 - 1.19740


def test_usage_category_filter_and_envelope(client: TestClient) -> None:
    account = make_account(client)
    _use(client, account, 1)
    r = client.get(f"{_base(account)}/Usage/Records.json?Category=sms", auth=_auth(account)).json()
    assert [u["category"] for u in r["usage_records"]] == ["sms"]
    assert r["uri"].startswith(f"{_base(account)}/Usage/Records.json?Category=sms")
    record = r["usage_records"][0]
    assert record["start_date"] == "2026-11-25"
    assert record["end_date"] == "2026-11-25"
    assert set(record["subresource_uris"]) == {
        "all_time",
        "daily",
        "monthly",
        "yearly",
        "today",
        "yesterday",
        "this_month",
        "last_month",
    }


def test_daily_and_relative_periods(client: TestClient, clock: FixedClock) -> None:
    account = make_account(client)
    _use(client, account, 1)
    clock.advance(86400)
    _use(client, account, 2)
    daily = client.get(
        f"{_base(account)}/Usage/Records/Daily.json",
        params={"Category": "sms", "StartDate": "2026-11-25", "EndDate": "2026-11-26"},
        auth=_auth(account),
    ).json()["usage_records"]
    assert [(u["start_date"], u["count"]) for u in daily] == [
        ("2026-11-25", "1"),
        ("2026-11-26", "2"),
    ]
    assert _records(client, account, "/Today")["sms"]["count"] == "2"
    assert _records(client, account, "/Yesterday")["sms"]["count"] == "1"
    assert _records(client, account, "/ThisMonth")["sms"]["count"] == "3"
    assert _records(client, account, "/LastMonth")["sms"]["count"] == "0"
    assert _records(client, account, StartDate="-0days")["sms"]["count"] == "2"


def test_main_account_usage_includes_subaccounts_unless_asked_not_to(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    _use(client, sub, 2)
    assert _records(client, parent)["sms"]["count"] == "2"
    assert _records(client, parent, IncludeSubaccounts="false")["sms"]["count"] == "0"
    assert _records(client, sub)["sms"]["count"] == "2"


def test_bad_dates_are_400(client: TestClient) -> None:
    account = make_account(client)
    for params in ({"StartDate": "nope"}, {"StartDate": "2026-11-25", "EndDate": "2026-11-01"}):
        r = client.get(f"{_base(account)}/Usage/Records.json", params=params, auth=_auth(account))
        assert r.status_code == 400
