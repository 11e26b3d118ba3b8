"""2010 Accounts through the front door: create, fetch, list, filter, update, isolation."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import make_account, make_subaccount

DOCS = "https://www.twilio.com/docs/errors"


def test_fetch_own_account_returns_twilio_fields(client: TestClient) -> None:
    account = make_account(client, "Acme")
    r = client.get(
        f"/2010-04-01/Accounts/{account.sid}.json", auth=(account.sid, account.auth_token)
    )
    assert r.status_code == 200
    body = r.json()
    assert body["sid"] == account.sid
    assert body["owner_account_sid"] == account.sid
    assert body["friendly_name"] == "Acme"
    assert body["status"] == "active"
    assert body["type"] == "Full"
    assert body["auth_token"] == account.auth_token
    assert body["date_created"] == "Wed, 25 Nov 2026 12:00:00 +0000"
    assert body["uri"] == f"/2010-04-01/Accounts/{account.sid}.json"
    assert body["subresource_uris"]["calls"] == f"/2010-04-01/Accounts/{account.sid}/Calls.json"
    assert body["subresource_uris"]["short_codes"].endswith("/SMS/ShortCodes.json")
    assert r.headers["cache-control"] == "no-store"


def test_create_subaccount_is_201_and_owned_by_parent(client: TestClient) -> None:
    parent = make_account(client)
    r = client.post(
        "/2010-04-01/Accounts.json",
        data={"FriendlyName": "Child"},
        auth=(parent.sid, parent.auth_token),
    )
    assert r.status_code == 201
    body = r.json()
    assert body["owner_account_sid"] == parent.sid
    assert body["friendly_name"] == "Child"
    assert body["sid"] != parent.sid
    assert len(body["auth_token"]) == 32


def test_subaccount_without_name_gets_twilio_default(client: TestClient) -> None:
    parent = make_account(client)
    r = client.post("/2010-04-01/Accounts.json", auth=(parent.sid, parent.auth_token))
    assert r.status_code == 201
    assert r.json()["friendly_name"] == "SubAccount Created at 2026-11-25 12:00 PM"


def test_subaccount_cannot_create_subaccounts(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    r = client.post("/2010-04-01/Accounts.json", auth=(sub.sid, sub.auth_token))
    assert r.status_code == 400
    assert r.json() == {
        "code": 21101,
        "message": "Subaccounts cannot contain subaccounts",
        "more_info": f"{DOCS}/21101",
        "status": 400,
    }


def test_parent_reaches_subaccount_but_not_the_reverse(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    sibling = make_subaccount(client, parent, "Sibling")
    assert (
        client.get(
            f"/2010-04-01/Accounts/{sub.sid}.json", auth=(parent.sid, parent.auth_token)
        ).status_code
        == 200
    )
    for target in (parent.sid, sibling.sid):
        r = client.get(f"/2010-04-01/Accounts/{target}.json", auth=(sub.sid, sub.auth_token))
        assert r.status_code == 404
        assert r.json()["code"] == 20404


def test_other_tenant_is_404_not_403(client: TestClient) -> None:
    a = make_account(client, "A")
    b = make_account(client, "B")
    r = client.get(f"/2010-04-01/Accounts/{b.sid}.json", auth=(a.sid, a.auth_token))
    assert r.status_code == 404
    unknown = "AC" + "0" * 32
    r2 = client.get(f"/2010-04-01/Accounts/{unknown}.json", auth=(a.sid, a.auth_token))
    assert r2.status_code == 404
    assert r.json()["message"].replace(b.sid, "X") == r2.json()["message"].replace(unknown, "X")


def test_list_shows_account_and_subaccounts_across_pages(client: TestClient) -> None:
    parent = make_account(client)
    subs = [make_subaccount(client, parent, f"Sub {i}") for i in range(4)]
    make_account(client, "Stranger")
    auth = (parent.sid, parent.auth_token)
    seen: list[str] = []
    uri: str | None = "/2010-04-01/Accounts.json?PageSize=2"
    pages = 0
    while uri:
        r = client.get(uri, auth=auth)
        assert r.status_code == 200
        body = r.json()
        assert set(body) == {
            "accounts",
            "page",
            "page_size",
            "start",
            "end",
            "uri",
            "first_page_uri",
            "next_page_uri",
            "previous_page_uri",
        }
        seen += [a["sid"] for a in body["accounts"]]
        uri = body["next_page_uri"]
        pages += 1
    assert seen == [parent.sid, *(s.sid for s in subs)]
    assert pages == 3


def test_list_page_envelope_numbers(client: TestClient) -> None:
    parent = make_account(client)
    for i in range(3):
        make_subaccount(client, parent, f"S{i}")
    auth = (parent.sid, parent.auth_token)
    first = client.get("/2010-04-01/Accounts.json?PageSize=2", auth=auth).json()
    assert (first["page"], first["page_size"], first["start"], first["end"]) == (0, 2, 0, 1)
    assert first["previous_page_uri"] is None
    assert first["first_page_uri"] == "/2010-04-01/Accounts.json?PageSize=2&Page=0"
    second = client.get(first["next_page_uri"], auth=auth).json()
    assert (second["page"], second["start"], second["end"]) == (1, 2, 3)
    assert second["next_page_uri"] is None
    back = client.get(second["previous_page_uri"], auth=auth).json()
    assert [a["sid"] for a in back["accounts"]] == [a["sid"] for a in first["accounts"]]


def test_list_filters_by_friendly_name_and_status(client: TestClient) -> None:
    parent = make_account(client)
    keep = make_subaccount(client, parent, "Keep")
    gone = make_subaccount(client, parent, "Gone")
    auth = (parent.sid, parent.auth_token)
    client.post(f"/2010-04-01/Accounts/{gone.sid}.json", data={"Status": "suspended"}, auth=auth)
    by_name = client.get("/2010-04-01/Accounts.json?FriendlyName=Keep", auth=auth).json()
    assert [a["sid"] for a in by_name["accounts"]] == [keep.sid]
    assert "FriendlyName=Keep" in by_name["uri"]
    suspended = client.get("/2010-04-01/Accounts.json?Status=suspended", auth=auth).json()
    assert [a["sid"] for a in suspended["accounts"]] == [gone.sid]


def test_subaccount_lists_only_itself(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    make_subaccount(client, parent, "Sibling")
    body = client.get("/2010-04-01/Accounts.json", auth=(sub.sid, sub.auth_token)).json()
    assert [a["sid"] for a in body["accounts"]] == [sub.sid]


def test_update_friendly_name(client: TestClient) -> None:
    account = make_account(client)
    auth = (account.sid, account.auth_token)
    r = client.post(
        f"/2010-04-01/Accounts/{account.sid}.json", data={"FriendlyName": "Renamed"}, auth=auth
    )
    assert r.status_code == 200
    assert r.json()["friendly_name"] == "Renamed"
    assert (
        client.get(f"/2010-04-01/Accounts/{account.sid}.json", auth=auth).json()["friendly_name"]
        == "Renamed"
    )


def test_friendly_name_over_64_is_refused_and_changes_nothing(client: TestClient) -> None:
    account = make_account(client, "Before")
    auth = (account.sid, account.auth_token)
    r = client.post(
        f"/2010-04-01/Accounts/{account.sid}.json", data={"FriendlyName": "x" * 65}, auth=auth
    )
    assert r.status_code == 400
    assert r.json()["code"] == 70001
    assert (
        client.get(f"/2010-04-01/Accounts/{account.sid}.json", auth=auth).json()["friendly_name"]
        == "Before"
    )


def test_suspended_subaccount_credentials_refused_until_reactivated(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    p_auth, s_auth = (parent.sid, parent.auth_token), (sub.sid, sub.auth_token)
    url = f"/2010-04-01/Accounts/{sub.sid}.json"
    assert (
        client.post(url, data={"Status": "suspended"}, auth=p_auth).json()["status"] == "suspended"
    )
    r = client.get(url, auth=s_auth)
    assert r.status_code == 401
    assert r.json()["code"] == 20005
    assert client.get(url, auth=p_auth).status_code == 200
    assert client.post(url, data={"Status": "active"}, auth=p_auth).json()["status"] == "active"
    assert client.get(url, auth=s_auth).status_code == 200


def test_closed_is_final(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    auth = (parent.sid, parent.auth_token)
    url = f"/2010-04-01/Accounts/{sub.sid}.json"
    assert client.post(url, data={"Status": "closed"}, auth=auth).json()["status"] == "closed"
    r = client.post(url, data={"Status": "active"}, auth=auth)
    assert r.status_code == 400
    assert r.json()["message"] == "A closed account cannot be updated"
    assert client.get(url, auth=(sub.sid, sub.auth_token)).status_code == 401
    assert client.get(url, auth=auth).json()["status"] == "closed"


def test_subaccount_cannot_change_its_own_status(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    r = client.post(
        f"/2010-04-01/Accounts/{sub.sid}.json",
        data={"Status": "closed"},
        auth=(sub.sid, sub.auth_token),
    )
    assert r.status_code == 400
    assert r.json()["code"] == 20001


def test_main_account_status_cannot_change_through_api(client: TestClient) -> None:
    account = make_account(client)
    r = client.post(
        f"/2010-04-01/Accounts/{account.sid}.json",
        data={"Status": "suspended"},
        auth=(account.sid, account.auth_token),
    )
    assert r.status_code == 400


def test_suspended_main_account_blocks_its_subaccounts(client: TestClient, cli_runner) -> None:
    from charter.cli import main

    parent = make_account(client)
    sub = make_subaccount(client, parent)
    result = cli_runner.invoke(main, ["accounts", "update", parent.sid, "--status", "suspended"])
    assert result.exit_code == 0, result.output
    # The CLI wrote through another engine: this instance learns of it from the change feed.
    from tests.factories import runtime

    client.portal.call(runtime(client).follower.poll_once)  # type: ignore[union-attr]
    r = client.get(f"/2010-04-01/Accounts/{sub.sid}.json", auth=(sub.sid, sub.auth_token))
    assert r.status_code == 401
    assert r.json()["code"] == 20005


def test_page_token_of_another_tenant_is_as_invalid_as_an_unknown_one(client: TestClient) -> None:
    mine = make_account(client, "Mine")
    other = make_account(client, "Other")
    auth = (mine.sid, mine.auth_token)
    foreign = client.get(f"/2010-04-01/Accounts.json?PageToken=PA{other.sid}", auth=auth)
    unknown = client.get(f"/2010-04-01/Accounts.json?PageToken=PAAC{'0' * 32}", auth=auth)
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json() == unknown.json()


def test_sid_hex_is_case_insensitive_in_basic_auth_as_in_paths(client: TestClient) -> None:
    account = make_account(client)
    upper = account.sid[:2] + account.sid[2:].upper()
    r = client.get(f"/2010-04-01/Accounts/{upper}.json", auth=(upper, account.auth_token))
    assert r.status_code == 200
    assert r.json()["sid"] == account.sid


def test_huge_page_numbers_are_400_not_500(client: TestClient) -> None:
    account = make_account(client)
    r = client.get(
        "/2010-04-01/Accounts.json?Page=99999999999999999999",
        auth=(account.sid, account.auth_token),
    )
    assert r.status_code == 400
    assert r.json()["code"] == 20001
