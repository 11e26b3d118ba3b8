"""Acting as a Connect app: `DedicatedSubaccountSid:DeveloperAuthToken` reads every account of
the customer (get-all), writes and spends only in the dedicated subaccount (post-all), manages
nothing, and stops at once when revoked, removed, suspended or deleted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from starlette.testclient import TestClient

from charter.domain.events import SYSTEM
from charter.domain.models import AccountStatus
from charter.domain.money import format_units
from tests.factories import make_account, make_subaccount, runtime
from tests.web.connect import (
    FIELDS,
    approve,
    apps_path,
    as_app,
    basic,
    connected,
    create_app,
    revoke,
    subaccount,
)

AUTHENTICATE = {
    "code": 20003,
    "message": "Authenticate",
    "more_info": "https://www.twilio.com/docs/errors/20003",
    "status": 401,
}


def _acc(sid: str) -> str:
    return f"/2010-04-01/Accounts/{sid}"


def _buy(client: TestClient, sid: str, auth: tuple[str, str]) -> Any:
    return client.post(
        f"{_acc(sid)}/IncomingPhoneNumbers.json", data={"AreaCode": "415"}, auth=auth
    )


def _balance(client: TestClient, customer: Any) -> Decimal:
    r = client.get(f"{_acc(customer.sid)}/Balance.json", auth=basic(customer))
    return Decimal(r.json()["balance"])


def test_get_all_reads_every_account_of_the_customer(client: TestClient) -> None:
    developer, customer, _, authorization = connected(client)
    other = make_subaccount(client, customer, "Other")
    app = as_app(authorization, developer)
    listed = client.get("/2010-04-01/Accounts.json", auth=app).json()["accounts"]
    assert {a["sid"] for a in listed} == {customer.sid, other.sid, authorization.subaccount_sid}
    assert {a["auth_token"] for a in listed} == {None}  # never a credential of the customer
    for sid in (customer.sid, other.sid, authorization.subaccount_sid):
        r = client.get(f"{_acc(sid)}.json", auth=app)
        assert r.status_code == 200, r.text
        assert r.json()["auth_token"] is None
        assert client.get(f"{_acc(sid)}/Messages.json", auth=app).status_code == 200
    assert client.get(f"{_acc(customer.sid)}/Balance.json", auth=app).status_code == 200
    stranger = make_account(client, "Stranger")
    r = client.get(f"{_acc(stranger.sid)}/Messages.json", auth=app)
    assert (r.status_code, r.json()["code"]) == (404, 20404)
    mine = client.get(f"{_acc(developer.sid)}.json", auth=app)
    assert mine.status_code == 404  # not even the developer's own account


def test_post_all_writes_and_spends_only_in_the_dedicated_subaccount(client: TestClient) -> None:
    developer, customer, _, authorization = connected(client)
    other = make_subaccount(client, customer, "Other")
    app = as_app(authorization, developer)
    before = _balance(client, customer)
    bought = _buy(client, authorization.subaccount_sid, app)
    assert bought.status_code == 201, bought.text
    number = bought.json()["phone_number"]
    sent = client.post(
        f"{_acc(authorization.subaccount_sid)}/Messages.json",
        data={"To": "+14155550100", "From": number, "Body": "hi"},
        auth=app,
    )
    assert sent.status_code == 201, sent.text
    prices = runtime(client).billing.prices
    spent = Decimal(format_units(prices.local_number_month + prices.sms_segment))
    assert _balance(client, customer) == before - spent
    for sid in (customer.sid, other.sid):
        r = _buy(client, sid, app)
        assert (r.status_code, r.json()["code"]) == (404, 20404), sid
    assert _balance(client, customer) == before - spent
    moved = client.post(
        f"{_acc(authorization.subaccount_sid)}/IncomingPhoneNumbers/{bought.json()['sid']}.json",
        data={"AccountSid": other.sid},
        auth=app,
    )
    assert moved.status_code == 404  # cannot move a number out to another account either


def test_the_ledger_names_the_authorization(client: TestClient) -> None:
    developer, customer, _, authorization = connected(client)
    assert _buy(client, authorization.subaccount_sid, as_app(authorization, developer)).is_success
    rt = runtime(client)

    async def actors() -> list[tuple[str, str]]:
        async with rt.uow() as uow:
            entries = await uow.ledger.entries(
                customer.sid, date(2026, 1, 1), date(2027, 1, 1), True
            )
        return [(e.actor, e.subaccount_sid) for e in entries if e.category != "credits"]

    assert client.portal is not None
    assert client.portal.call(actors) == [(authorization.sid, authorization.subaccount_sid)]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/2010-04-01/Accounts.json"),
        ("POST", "{sub}.json"),
        ("GET", "{sub}/Keys.json"),
        ("POST", "{sub}/Keys.json"),
        ("GET", "/v1/Keys?AccountSid={sid}"),
        ("POST", "/v1/AuthTokens/Secondary"),
        ("GET", "/v1/Account/OAuthApps"),
        ("GET", "{sub}/ConnectApps.json"),
        ("GET", "{customer}/AuthorizedConnectApps.json"),
        ("DELETE", "{customer}/AuthorizedConnectApps/{app}.json"),
    ],
)
def test_connect_apps_manage_nothing(client: TestClient, method: str, path: str) -> None:
    developer, customer, app, authorization = connected(client)
    url = path.format(
        sub=_acc(authorization.subaccount_sid),
        customer=_acc(customer.sid),
        sid=authorization.subaccount_sid,
        app=app["sid"],
    )
    r = client.request(method, url, auth=as_app(authorization, developer))
    assert (r.status_code, r.json()) == (401, AUTHENTICATE)


def test_get_all_alone_cannot_write_and_post_all_alone_cannot_read(client: TestClient) -> None:
    developer, _, _, reader = connected(client, ("get-all",))
    r = _buy(client, reader.subaccount_sid, as_app(reader, developer))
    assert (r.status_code, r.json()["code"]) == (401, 70051)
    assert "post-all" in r.json()["message"]
    developer, _, _, writer = connected(client, ("post-all",))
    r = client.get(f"{_acc(writer.subaccount_sid)}/Messages.json", auth=as_app(writer, developer))
    assert (r.status_code, r.json()["code"]) == (401, 70051)
    assert _buy(client, writer.subaccount_sid, as_app(writer, developer)).status_code == 201


def test_permissions_removed_stop_at_once_and_added_ones_wait(client: TestClient) -> None:
    developer, customer, app, authorization = connected(client, ("get-all",))
    creds = as_app(authorization, developer)
    url = f"{apps_path(developer)}/{app['sid']}.json"
    messages = f"{_acc(customer.sid)}/Messages.json"
    assert client.get(messages, auth=creds).status_code == 200
    client.post(url, data={"Permissions": ["get-all", "post-all"]}, auth=basic(developer))
    assert _buy(client, authorization.subaccount_sid, creds).json()["code"] == 70051
    client.post(url, data={"Permissions": "post-all"}, auth=basic(developer))
    assert client.get(messages, auth=creds).json()["code"] == 70051
    again, _ = approve(client, customer, app["sid"])
    assert again.permissions == ("post-all",)
    assert _buy(client, authorization.subaccount_sid, creds).status_code == 201


def test_revocation_refuses_the_app_at_once(client: TestClient) -> None:
    developer, customer, app, authorization = connected(client)
    creds = as_app(authorization, developer)
    url = f"{_acc(customer.sid)}.json"
    assert client.get(url, auth=creds).status_code == 200
    assert revoke(client, customer, app["sid"]).status_code == 204
    r = client.get(url, auth=creds)
    assert (r.status_code, r.json()) == (401, AUTHENTICATE)
    sub = subaccount(client, authorization.subaccount_sid)
    own = client.get(f"{_acc(sub.sid)}.json", auth=basic(sub))
    assert own.status_code == 200  # the customer's own credentials keep working


def test_a_deleted_app_is_refused_at_once(client: TestClient) -> None:
    developer, customer, app, authorization = connected(client)
    creds = as_app(authorization, developer)
    assert client.get(f"{_acc(customer.sid)}.json", auth=creds).status_code == 200
    client.delete(f"{apps_path(developer)}/{app['sid']}.json", auth=basic(developer))
    assert client.get(f"{_acc(customer.sid)}.json", auth=creds).status_code == 401


@pytest.mark.parametrize("status", ["suspended", "closed"])
def test_a_suspended_or_closed_dedicated_subaccount_stops_the_app(
    client: TestClient, status: str
) -> None:
    developer, customer, _, authorization = connected(client)
    creds = as_app(authorization, developer)
    assert client.get(f"{_acc(customer.sid)}.json", auth=creds).status_code == 200
    r = client.post(
        f"{_acc(authorization.subaccount_sid)}.json", data={"Status": status}, auth=basic(customer)
    )
    assert r.status_code == 200, r.text
    refused = client.get(f"{_acc(customer.sid)}.json", auth=creds)
    assert (refused.status_code, refused.json()["code"]) == (401, 20005)


def test_a_suspended_customer_or_developer_stops_the_app(client: TestClient) -> None:
    developer, customer, _, authorization = connected(client)
    creds = as_app(authorization, developer)
    rt = runtime(client)
    assert client.portal is not None

    def set_status(account: Any, status: AccountStatus) -> None:
        client.portal.call(  # type: ignore[union-attr]
            lambda: rt.accounts.update(None, account, None, status, actor=SYSTEM)
        )

    set_status(customer, AccountStatus.SUSPENDED)
    assert client.get(f"{_acc(customer.sid)}.json", auth=creds).json()["code"] == 20005
    set_status(customer, AccountStatus.ACTIVE)
    assert client.get(f"{_acc(customer.sid)}.json", auth=creds).status_code == 200
    set_status(developer, AccountStatus.SUSPENDED)
    assert client.get(f"{_acc(customer.sid)}.json", auth=creds).json() == AUTHENTICATE


def test_wrong_and_unknown_look_the_same(client: TestClient) -> None:
    developer, customer, _, authorization = connected(client)
    stranger = make_account(client, "Stranger")
    url = f"{_acc(customer.sid)}.json"
    attempts = [
        (authorization.subaccount_sid, stranger.auth_token),
        (authorization.subaccount_sid, "0" * 32),
        ("AC" + "0" * 32, developer.auth_token),
        (customer.sid, developer.auth_token),  # the main account is no Connect subaccount
    ]
    for creds in attempts:
        r = client.get(url, auth=creds)
        assert (r.status_code, r.json()) == (401, AUTHENTICATE), creds


def test_the_developers_secondary_token_works_too(client: TestClient) -> None:
    developer, customer, _, authorization = connected(client)
    secondary = client.post("/v1/AuthTokens/Secondary", auth=basic(developer)).json()
    creds = (authorization.subaccount_sid, secondary["secondary_auth_token"])
    assert client.get(f"{_acc(customer.sid)}.json", auth=creds).status_code == 200
    client.post("/v1/AuthTokens/Promote", auth=basic(developer))
    old = as_app(authorization, developer)
    assert client.get(f"{_acc(customer.sid)}.json", auth=old).status_code == 401


def test_an_app_of_a_subaccount_developer_works_like_any(client: TestClient) -> None:
    parent = make_account(client, "Agency")
    developer = make_subaccount(client, parent, "Dev team")
    customer = make_account(client, "Customer")
    app = create_app(client, developer, **{"FriendlyName": FIELDS["FriendlyName"]})
    authorization, _ = approve(client, customer, app["sid"])
    creds = as_app(authorization, developer)
    assert client.get(f"{_acc(customer.sid)}.json", auth=creds).status_code == 200
    client.post(f"{_acc(developer.sid)}.json", data={"Status": "suspended"}, auth=basic(parent))
    assert client.get(f"{_acc(customer.sid)}.json", auth=creds).json() == AUTHENTICATE
