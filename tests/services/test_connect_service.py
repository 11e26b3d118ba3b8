"""The Connect service: approvals (one dedicated subaccount, also under concurrency), re-approval,
and a charge race under a Connect principal that never overdraws the customer."""

from __future__ import annotations

import asyncio

import pytest
from starlette.testclient import TestClient

from charter.domain.connect import Authorization
from charter.domain.errors import InsufficientFunds, InvalidParameter, NotFound
from charter.domain.events import CONSOLE, Actor
from charter.domain.models import AccountStatus
from tests.factories import make_account, make_subaccount, runtime
from tests.web.connect import USER, approve, as_app, basic, connected, create_app, revoke
from tests.web.voice import outbox

ACTOR = Actor("user", USER, CONSOLE)


def _accounts(client: TestClient, customer: object) -> set[str]:
    r = client.get("/2010-04-01/Accounts.json", auth=basic(customer))  # type: ignore[arg-type]
    return {a["sid"] for a in r.json()["accounts"]}


def test_concurrent_approvals_make_one_subaccount(client: TestClient) -> None:
    developer = make_account(client, "Developer")
    customer = make_account(client, "Customer")
    app = create_app(client, developer)
    rt = runtime(client)

    async def race() -> list[tuple[Authorization, str]]:
        return await asyncio.gather(
            *(rt.connect.authorize(customer, app["sid"], USER, ACTOR) for _ in range(6))
        )

    assert client.portal is not None
    results = client.portal.call(race)
    authorizations = {a.sid for a, _ in results}
    subaccounts = {a.subaccount_sid for a, _ in results}
    assert len(authorizations) == len(subaccounts) == 1
    assert _accounts(client, customer) == {customer.sid, *subaccounts}


def test_reapproval_reuses_the_subaccount_and_reactivates_it(client: TestClient) -> None:
    developer, customer, app, first = connected(client)
    revoke(client, customer, app["sid"])
    url = f"/2010-04-01/Accounts/{first.subaccount_sid}.json"
    client.post(url, data={"Status": "suspended"}, auth=basic(customer))
    again, redirect = approve(client, customer, app["sid"])
    assert (again.sid, again.subaccount_sid) == (first.sid, first.subaccount_sid)
    assert redirect == f"https://blaster.example/connected?AccountSid={first.subaccount_sid}"
    assert client.get(url, auth=basic(customer)).json()["status"] == "active"
    assert client.get(url, auth=as_app(again, developer)).status_code == 200


def test_a_closed_subaccount_is_replaced_on_reapproval(client: TestClient) -> None:
    developer, customer, app, first = connected(client)
    url = f"/2010-04-01/Accounts/{first.subaccount_sid}.json"
    client.post(url, data={"Status": "closed"}, auth=basic(customer))
    again, _ = approve(client, customer, app["sid"])
    assert again.sid == first.sid
    assert again.subaccount_sid != first.subaccount_sid
    old = client.get(url, auth=(first.subaccount_sid, developer.auth_token))
    assert old.status_code == 401
    fresh = f"/2010-04-01/Accounts/{again.subaccount_sid}.json"
    assert client.get(fresh, auth=as_app(again, developer)).status_code == 200


def test_approvals_refused(client: TestClient) -> None:
    developer = make_account(client, "Developer")
    customer = make_account(client, "Customer")
    no_redirect = create_app(client, developer, AuthorizeRedirectUrl="")
    with pytest.raises(InvalidParameter, match="no Authorize URL"):
        approve(client, customer, no_redirect["sid"])
    with pytest.raises(NotFound):
        approve(client, customer, "CN" + "0" * 32)
    app = create_app(client, developer)
    sub = make_subaccount(client, customer)
    with pytest.raises(InvalidParameter, match="main accounts"):
        approve(client, sub, app["sid"])
    assert _accounts(client, customer) == {customer.sid, sub.sid}  # no subaccount was made
    assert (
        client.get(
            f"/2010-04-01/Accounts/{customer.sid}/AuthorizedConnectApps.json", auth=basic(customer)
        ).json()["authorized_connect_apps"]
        == []
    )


def test_service_reads_for_the_consent_page_and_the_console(client: TestClient) -> None:
    developer, customer, app, authorization = connected(client)
    rt = runtime(client)
    assert client.portal is not None
    found = client.portal.call(rt.connect.find_app, app["sid"])
    assert found is not None
    assert found.account_sid == developer.sid
    assert client.portal.call(rt.connect.find_app, "CN" + "0" * 32) is None
    pair = client.portal.call(rt.connect.authorized_app, customer, app["sid"])
    assert pair == (authorization, found)
    assert rt.connect.denied_redirect_for(found, "xyz") == (
        "https://blaster.example/connected?error=unauthorized_client&state=xyz"
    )
    assert rt.connect.redirect_for(found, authorization, "xyz").endswith(
        f"?AccountSid={authorization.subaccount_sid}&state=xyz"
    )
    client.portal.call(rt.connect.revoke, customer, app["sid"], ACTOR)
    with pytest.raises(NotFound):
        client.portal.call(rt.connect.authorized_app, customer, app["sid"])


def test_concurrent_revocations_queue_one_callback(client: TestClient) -> None:
    _, customer, app, authorization = connected(client)
    rt = runtime(client)

    async def race() -> list[object]:
        return await asyncio.gather(
            *(rt.connect.revoke(customer, app["sid"], ACTOR) for _ in range(5)),
            return_exceptions=True,
        )

    assert client.portal is not None
    results = client.portal.call(race)
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, NotFound) for r in results if r is not None)
    assert len(outbox(client, authorization.sid)) == 1


def test_a_charge_race_under_a_connect_app_never_overdraws(client: TestClient) -> None:
    developer = make_account(client, "Developer")
    segment, number = 790, 115_000
    customer = make_account(client, "Customer", starting_balance=number + 5 * segment + 300)
    app = create_app(client, developer)
    authorization, _ = approve(client, customer, app["sid"])
    creds = as_app(authorization, developer)
    sub_sid = authorization.subaccount_sid
    bought = client.post(
        f"/2010-04-01/Accounts/{sub_sid}/IncomingPhoneNumbers.json",
        data={"AreaCode": "415"},
        auth=creds,
    )
    assert bought.status_code == 201, bought.text
    rt = runtime(client)
    assert client.portal is not None
    principal = client.portal.call(rt.authenticator.basic, creds[0], creds[1], "test")
    assert (principal.kind, principal.credential_id) == ("connect", authorization.sid)
    sub = client.portal.call(rt.accounts.resolve, principal, sub_sid)

    async def race() -> list[object]:
        async def one(i: int) -> object:
            try:
                return await rt.messages.send(
                    principal, sub, "+14155550100", bought.json()["phone_number"], f"m{i}", [],
                    None,
                )  # fmt: skip
            except InsufficientFunds as exc:
                return exc

        return await asyncio.gather(*(one(i) for i in range(20)))

    results = client.portal.call(race)
    assert sum(not isinstance(r, InsufficientFunds) for r in results) == 5
    assert client.portal.call(rt.billing.balance, customer) == 300
    assert (
        client.get(f"/2010-04-01/Accounts/{customer.sid}.json", auth=basic(customer)).json()[
            "status"
        ]
        == AccountStatus.ACTIVE.value
    )
