"""Connect apps over HTTP: create (our extension), list, fetch, update, delete, and their events."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from charter.domain.models import AccountType
from tests.factories import make_account, make_subaccount
from tests.web.connect import FIELDS, apps_path, basic, create_app


def _events(client: TestClient, account: Any, kind: str) -> list[Any]:
    r = client.get("/v1/Events", params={"EventType": kind}, auth=basic(account))
    assert r.status_code == 200, r.text
    return list(r.json()["events"])


def test_create_returns_twilio_fields_and_ours(client: TestClient) -> None:
    developer = make_account(client)
    app = create_app(client, developer)
    sid = app["sid"]
    assert sid.startswith("CN")
    assert len(sid) == 34
    assert app == {
        "account_sid": developer.sid,
        "authorize_redirect_url": "https://blaster.example/connected",
        "company_name": "Blaster Inc",
        "deauthorize_callback_method": "POST",
        "deauthorize_callback_url": "https://blaster.example/deauthorized",
        "description": "Sends texts",
        "friendly_name": "Blaster",
        "homepage_url": "https://blaster.example",
        "permissions": ["get-all", "post-all"],
        "sid": sid,
        "uri": f"/2010-04-01/Accounts/{developer.sid}/ConnectApps/{sid}.json",
        "logo_url": "https://blaster.example/logo.png",
        "terms_of_service_url": "https://blaster.example/terms",
        "date_created": "Wed, 25 Nov 2026 12:00:00 +0000",
        "date_updated": "Wed, 25 Nov 2026 12:00:00 +0000",
    }
    fetched = client.get(f"{apps_path(developer)}/{sid}.json", auth=basic(developer))
    assert fetched.json() == app
    [event] = _events(client, developer, "connect-apps.created")
    assert event["resource_sid"] == sid
    assert event["event_data"] == {"friendly_name": "Blaster", "permissions": FIELDS["Permissions"]}


def test_permissions_may_be_comma_separated(client: TestClient) -> None:
    app = create_app(client, make_account(client), Permissions="post-all,get-all")
    assert app["permissions"] == ["get-all", "post-all"]


def test_trial_accounts_cannot_create_connect_apps(client: TestClient) -> None:
    trial = make_account(client, account_type=AccountType.TRIAL)
    r = client.post(f"{apps_path(trial)}.json", data=FIELDS, auth=basic(trial))
    assert r.status_code == 403
    assert r.json() == {
        "code": 20403,
        "message": "Only Full accounts can create Connect apps; upgrade first",
        "more_info": "https://www.twilio.com/docs/errors/20403",
        "status": 403,
    }


@pytest.mark.parametrize(
    ("override", "code", "message"),
    [
        ({"FriendlyName": None}, 20001, "FriendlyName is required"),
        ({"LogoUrl": None}, 20001, "LogoUrl is required"),
        ({"CompanyName": ""}, 20001, "CompanyName is required"),
        ({"FriendlyName": "x" * 65}, 70001, "FriendlyName must be at most 64 characters"),
        ({"Permissions": ["get-all", "write-all"]}, 20001, "not write-all"),
        ({"DeauthorizeCallbackMethod": "PATCH"}, 20001, "GET or POST"),
        ({"DeauthorizeCallbackUrl": "gopher://x.example"}, 20001, "DeauthorizeCallbackUrl"),
        ({"DeauthorizeCallbackUrl": "http://10.1.2.3/hook"}, 20001, "public host"),
        ({"LogoUrl": "http://169.254.169.254/x"}, 20001, "LogoUrl must name a public host"),
    ],
)
def test_invalid_fields_are_refused(
    client: TestClient, override: dict[str, Any], code: int, message: str
) -> None:
    developer = make_account(client)
    form = {k: v for k, v in {**FIELDS, **override}.items() if v is not None}
    r = client.post(f"{apps_path(developer)}.json", data=form, auth=basic(developer))
    assert r.status_code == 400, r.text
    assert r.json()["code"] == code
    assert message in r.json()["message"]
    assert (
        client.get(f"{apps_path(developer)}.json", auth=basic(developer)).json()["connect_apps"]
        == []
    )


def test_development_allows_loopback_callbacks(client: TestClient) -> None:
    app = create_app(
        client, make_account(client), DeauthorizeCallbackUrl="http://127.0.0.1:9000/hook"
    )
    assert app["deauthorize_callback_url"] == "http://127.0.0.1:9000/hook"


def test_update_changes_only_what_is_given(client: TestClient, clock: Any) -> None:
    developer = make_account(client)
    app = create_app(client, developer)
    url = f"{apps_path(developer)}/{app['sid']}.json"
    r = client.post(
        url,
        data={"FriendlyName": "Blaster 2", "Description": "", "Permissions": "get-all"},
        auth=basic(developer),
    )
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated == {
        **app,
        "friendly_name": "Blaster 2",
        "description": None,
        "permissions": ["get-all"],
    }
    [event] = _events(client, developer, "connect-apps.updated")
    assert event["event_data"] == {
        "friendly_name": {"previous": "Blaster", "updated": "Blaster 2"},
        "description": {"previous": "Sends texts", "updated": None},
        "permissions": {"previous": ["get-all", "post-all"], "updated": ["get-all"]},
    }
    same = client.post(url, data={"FriendlyName": "Blaster 2"}, auth=basic(developer))
    assert same.json() == updated
    assert len(_events(client, developer, "connect-apps.updated")) == 1
    cleared = client.post(url, data={"LogoUrl": ""}, auth=basic(developer))
    assert (cleared.status_code, cleared.json()["message"]) == (400, "LogoUrl is required")


def test_list_pages_and_delete(client: TestClient) -> None:
    developer = make_account(client)
    sids = [create_app(client, developer, FriendlyName=f"App {i}")["sid"] for i in range(3)]
    first = client.get(f"{apps_path(developer)}.json?PageSize=2", auth=basic(developer)).json()
    assert [a["sid"] for a in first["connect_apps"]] == sids[:2]
    following = client.get(first["next_page_uri"], auth=basic(developer)).json()
    assert [a["sid"] for a in following["connect_apps"]] == sids[2:]
    r = client.delete(f"{apps_path(developer)}/{sids[0]}.json", auth=basic(developer))
    assert (r.status_code, r.content) == (204, b"")
    gone = client.get(f"{apps_path(developer)}/{sids[0]}.json", auth=basic(developer))
    assert gone.status_code == 404
    [event] = _events(client, developer, "connect-apps.deleted")
    assert event["resource_sid"] == sids[0]


def test_apps_of_other_accounts_look_missing(client: TestClient) -> None:
    developer, stranger = make_account(client), make_account(client, "Stranger")
    sid = create_app(client, developer)["sid"]
    for method in ("GET", "POST", "DELETE"):
        r = client.request(method, f"{apps_path(stranger)}/{sid}.json", auth=basic(stranger))
        assert r.status_code == 404, (method, r.text)
        assert r.json()["code"] == 20404
    assert client.get(f"{apps_path(developer)}/{sid}.json", auth=basic(developer)).is_success


def test_only_full_credentials_manage_connect_apps(client: TestClient) -> None:
    developer = make_account(client)
    sub = make_subaccount(client, developer)
    sid = create_app(client, developer)["sid"]
    key = client.post(
        f"/2010-04-01/Accounts/{developer.sid}/Keys.json", auth=basic(developer)
    ).json()
    standard = (key["sid"], key["secret"])
    r = client.get(f"{apps_path(developer)}/{sid}.json", auth=standard)
    assert (r.status_code, r.json()["code"]) == (401, 20003)
    r = client.get(f"{apps_path(developer)}/{sid}.json", auth=basic(sub))
    assert r.status_code == 404  # a subaccount never reaches its parent
    assert client.get(f"{apps_path(sub)}.json", auth=basic(developer)).json()["connect_apps"] == []
