"""AuthorizedConnectApps over HTTP: list and fetch under the customer's account, revocation (our
extension) with its event and its deauthorization callback queued in the same transaction."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.factories import make_account, make_subaccount
from tests.web.connect import approve, apps_path, basic, connected, create_app, revoke
from tests.web.voice import outbox


def _path(customer: Any, app_sid: str | None = None) -> str:
    base = f"/2010-04-01/Accounts/{customer.sid}/AuthorizedConnectApps"
    return f"{base}.json" if app_sid is None else f"{base}/{app_sid}.json"


def _events(client: TestClient, account: Any, kind: str) -> list[Any]:
    r = client.get("/v1/Events", params={"EventType": kind}, auth=basic(account))
    return list(r.json()["events"])


def test_list_and_fetch_have_twilio_fields(client: TestClient) -> None:
    _, customer, app, authorization = connected(client)
    expected = {
        "account_sid": customer.sid,
        "connect_app_company_name": "Blaster Inc",
        "connect_app_description": "Sends texts",
        "connect_app_friendly_name": "Blaster",
        "connect_app_homepage_url": "https://blaster.example",
        "connect_app_sid": app["sid"],
        "permissions": ["get-all", "post-all"],
        "uri": f"/2010-04-01/Accounts/{customer.sid}/AuthorizedConnectApps/{app['sid']}.json",
        "date_created": "Wed, 25 Nov 2026 12:00:00 +0000",
        "date_updated": "Wed, 25 Nov 2026 12:00:00 +0000",
    }
    fetched = client.get(_path(customer, app["sid"]), auth=basic(customer))
    assert (fetched.status_code, fetched.json()) == (200, expected)
    listed = client.get(_path(customer), auth=basic(customer)).json()
    assert listed["authorized_connect_apps"] == [expected]
    assert set(listed) == {"authorized_connect_apps", "page", "page_size", "start", "end", "uri",
                           "first_page_uri", "next_page_uri", "previous_page_uri"}  # fmt: skip


def test_lists_page_by_number(client: TestClient) -> None:
    customer = make_account(client, "Customer")
    developer = make_account(client, "Developer")
    sids = [create_app(client, developer, FriendlyName=f"A{i}")["sid"] for i in range(3)]
    for sid in sids:
        approve(client, customer, sid)
    first = client.get(_path(customer) + "?PageSize=2", auth=basic(customer)).json()
    assert [a["connect_app_sid"] for a in first["authorized_connect_apps"]] == sids[:2]
    following = client.get(first["next_page_uri"], auth=basic(customer)).json()
    assert [a["connect_app_sid"] for a in following["authorized_connect_apps"]] == sids[2:]


def test_approval_records_an_event_and_a_dedicated_subaccount(client: TestClient) -> None:
    _, customer, app, authorization = connected(client)
    [event] = _events(client, customer, "authorized-connect-apps.created")
    assert event["resource_sid"] == app["sid"]
    assert (event["actor_type"], event["source"]) == ("user", "web")
    assert event["event_data"] == {
        "connect_app_sid": app["sid"],
        "authorization_sid": authorization.sid,
        "subaccount_sid": authorization.subaccount_sid,
        "permissions": ["get-all", "post-all"],
        "approved_by": "US" + "1" * 32,
    }
    sub = client.get(
        f"/2010-04-01/Accounts/{authorization.subaccount_sid}.json", auth=basic(customer)
    ).json()
    assert (sub["friendly_name"], sub["owner_account_sid"]) == ("Blaster (Connect)", customer.sid)


def test_revocation_queues_the_callback_and_records_the_event(client: TestClient) -> None:
    developer, customer, app, authorization = connected(client)
    r = revoke(client, customer, app["sid"])
    assert (r.status_code, r.content) == (204, b"")
    [row] = outbox(client, authorization.sid)
    assert (row["kind"], row["account_sid"], row["url"], row["method"]) == (
        "deauthorize", developer.sid, "https://blaster.example/deauthorized", "POST",
    )  # fmt: skip
    assert json.loads(row["params"]) == {
        "AccountSid": authorization.subaccount_sid,
        "ConnectAppSid": app["sid"],
    }
    [event] = _events(client, customer, "authorized-connect-apps.deleted")
    assert event["resource_sid"] == app["sid"]
    assert event["actor_sid"] == customer.sid
    assert "auth_token" not in json.dumps(event)
    gone = client.get(_path(customer, app["sid"]), auth=basic(customer))
    assert gone.status_code == 404
    assert client.get(_path(customer), auth=basic(customer)).json()["authorized_connect_apps"] == []
    again = revoke(client, customer, app["sid"])
    assert (again.status_code, again.json()["code"]) == (404, 20404)
    assert len(outbox(client, authorization.sid)) == 1


def test_no_callback_without_a_deauthorize_url(client: TestClient) -> None:
    _, customer, app, authorization = connected(client, DeauthorizeCallbackUrl="")
    assert revoke(client, customer, app["sid"]).status_code == 204
    assert outbox(client, authorization.sid) == []


def test_deleting_the_app_revokes_every_authorization_with_callbacks(client: TestClient) -> None:
    developer, first, app, one = connected(client, DeauthorizeCallbackMethod="GET")
    second = make_account(client, "Second")
    two, _ = approve(client, second, app["sid"])
    revoke(client, second, app["sid"])
    three, _ = approve(client, second, app["sid"])  # re-approved: active again, same row
    assert three.sid == two.sid
    r = client.delete(f"{apps_path(developer)}/{app['sid']}.json", auth=basic(developer))
    assert r.status_code == 204
    assert [row["method"] for row in outbox(client, one.sid)] == ["GET"]
    assert len(outbox(client, two.sid)) == 2  # the earlier revocation's and the deletion's
    for customer in (first, second):
        assert (
            client.get(_path(customer), auth=basic(customer)).json()["authorized_connect_apps"]
            == []
        )
        [*_, last] = _events(client, customer, "authorized-connect-apps.deleted")
        assert last["actor_sid"] in (developer.sid, customer.sid)


def test_only_the_customer_reaches_its_authorizations(client: TestClient) -> None:
    developer, customer, app, authorization = connected(client)
    sub = make_subaccount(client, customer)
    key = client.post(
        "/v1/Keys", data={"AccountSid": customer.sid, "KeyType": "main"}, auth=basic(customer)
    ).json()
    standard = client.post(
        f"/2010-04-01/Accounts/{customer.sid}/Keys.json", auth=basic(customer)
    ).json()
    for creds in (basic(developer), basic(sub)):
        r = client.delete(_path(customer, app["sid"]), auth=creds)
        assert r.status_code == 404
    r = client.delete(_path(customer, app["sid"]), auth=(standard["sid"], standard["secret"]))
    assert (r.status_code, r.json()["code"]) == (401, 20003)
    assert client.get(_path(sub), auth=basic(sub)).json()["authorized_connect_apps"] == []
    assert client.get(_path(customer), auth=(key["sid"], key["secret"])).status_code == 200
    r = client.delete(_path(customer, app["sid"]), auth=(key["sid"], key["secret"]))
    assert r.status_code == 204
