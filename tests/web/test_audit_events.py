"""Audit events are written by the changes they describe: one each, in the right log, no secrets.

Every emitting operation is driven through the front door and the log read back through
`/v1/Events`, whose other behaviour (filters, paging, isolation) is in `test_events_api.py`.
Main accounts made by the factory start with one event of their own: their `accounts.created`
by the operator.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from charter.cli import main
from charter.domain.models import Account
from tests.factories import make_account, make_subaccount

IP = "testclient"  # the peer address Starlette's TestClient reports


def _auth(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def events(client: TestClient, auth: tuple[str, str]) -> list[dict[str, Any]]:
    r = client.get("/v1/Events", auth=auth)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["events"]
    return items


def only_new(client: TestClient, auth: tuple[str, str], before: int) -> dict[str, Any]:
    """The one event written since the log had `before` events (lists are newest first)."""
    log = events(client, auth)
    assert len(log) == before + 1, log
    return log[0]


def summary(event: dict[str, Any]) -> tuple[Any, ...]:
    return (
        event["event_type"],
        event["resource_type"],
        event["resource_sid"],
        event["actor_type"],
        event["actor_sid"],
        event["source"],
        event["source_ip_address"],
    )


def new_key(client: TestClient, account: Account, **form: str) -> dict[str, Any]:
    r = client.post("/v1/Keys", data={"AccountSid": account.sid, **form}, auth=_auth(account))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_creating_a_key_records_api_keys_created_by_the_account(client: TestClient) -> None:
    account = make_account(client)
    key = new_key(client, account, FriendlyName="ci")
    event = only_new(client, _auth(account), 1)
    assert summary(event) == (
        "api-keys.created",
        "api-keys",
        key["sid"],
        "account",
        account.sid,
        "api",
        IP,
    )
    assert event["account_sid"] == account.sid
    assert event["description"] == "API key created"
    assert event["event_data"] == {"friendly_name": "ci", "key_type": "standard"}
    assert event["event_date"] == "2026-11-25T12:00:00Z"


def test_key_changes_by_a_main_key_name_the_key_as_actor(client: TestClient) -> None:
    account = make_account(client)
    main_key = new_key(client, account, KeyType="main")
    auth = (main_key["sid"], main_key["secret"])
    policy = json.dumps({"allow": ["/twilio/voice/calls/list"]})
    r = client.post(
        "/v1/Keys",
        data={"AccountSid": account.sid, "KeyType": "restricted", "Policy": policy},
        auth=auth,
    )
    restricted = r.json()
    created = only_new(client, _auth(account), 2)
    assert summary(created) == (
        "api-keys.created",
        "api-keys",
        restricted["sid"],
        "api-key",
        main_key["sid"],
        "api",
        IP,
    )
    assert created["event_data"]["policy"] == ["/twilio/voice/calls/list"]

    wider = json.dumps({"allow": ["/twilio/voice/calls/*"]})
    r = client.post(
        f"/v1/Keys/{restricted['sid']}", data={"Policy": wider, "FriendlyName": "r"}, auth=auth
    )
    assert r.status_code == 200, r.text
    updated = only_new(client, _auth(account), 3)
    assert summary(updated)[:5] == (
        "api-keys.updated",
        "api-keys",
        restricted["sid"],
        "api-key",
        main_key["sid"],
    )
    assert updated["event_data"] == {
        "friendly_name": {"previous": None, "updated": "r"},
        "policy": {"previous": ["/twilio/voice/calls/list"], "updated": ["/twilio/voice/calls/*"]},
    }

    r = client.delete(
        f"/2010-04-01/Accounts/{account.sid}/Keys/{restricted['sid']}.json", auth=auth
    )
    assert r.status_code == 204
    deleted = only_new(client, _auth(account), 4)
    assert summary(deleted)[:5] == (
        "api-keys.deleted",
        "api-keys",
        restricted["sid"],
        "api-key",
        main_key["sid"],
    )
    assert deleted["event_data"] == {"friendly_name": "r", "key_type": "restricted"}


def test_subaccount_changes_are_recorded_in_the_parents_log(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent, "Child")
    created = only_new(client, _auth(parent), 1)
    assert summary(created) == (
        "accounts.created",
        "accounts",
        sub.sid,
        "account",
        parent.sid,
        "api",
        IP,
    )
    assert (created["account_sid"], created["description"]) == (parent.sid, "Subaccount created")
    assert created["event_data"] == {
        "friendly_name": "Child",
        "owner_account_sid": parent.sid,
        "type": "Full",
    }

    form = {"Status": "suspended", "FriendlyName": "Paused"}
    r = client.post(f"/2010-04-01/Accounts/{sub.sid}.json", data=form, auth=_auth(parent))
    assert r.status_code == 200, r.text
    updated = only_new(client, _auth(parent), 2)
    assert summary(updated)[:5] == ("accounts.updated", "accounts", sub.sid, "account", parent.sid)
    assert updated["description"] == "Account suspended"
    assert updated["event_data"] == {
        "friendly_name": {"previous": "Child", "updated": "Paused"},
        "status": {"previous": "active", "updated": "suspended"},
    }


def test_renaming_an_account_records_accounts_updated(client: TestClient) -> None:
    account = make_account(client, "Before")
    r = client.post(
        f"/2010-04-01/Accounts/{account.sid}.json",
        data={"FriendlyName": "After"},
        auth=_auth(account),
    )
    assert r.status_code == 200
    event = only_new(client, _auth(account), 1)
    assert summary(event)[:5] == (
        "accounts.updated",
        "accounts",
        account.sid,
        "account",
        account.sid,
    )
    assert (event["description"], event["event_data"]) == (
        "Account updated",
        {"friendly_name": {"previous": "Before", "updated": "After"}},
    )


def test_auth_token_rotation_is_recorded_without_any_token(client: TestClient) -> None:
    account = make_account(client)
    first = client.post("/v1/AuthTokens/Secondary", auth=_auth(account)).json()
    promoted = client.post("/v1/AuthTokens/Promote", auth=_auth(account)).json()
    auth = (account.sid, promoted["auth_token"])
    second = client.post("/v1/AuthTokens/Secondary", auth=auth).json()
    assert client.delete("/v1/AuthTokens/Secondary", auth=auth).status_code == 204
    log = events(client, auth)[:-1]  # without the account's creation
    assert [summary(e) for e in log] == [
        (f"auth-tokens.{verb}", "auth-tokens", account.sid, "account", account.sid, "api", IP)
        for verb in ("secondary-deleted", "secondary-created", "promoted", "secondary-created")
    ]
    assert [e["description"] for e in log[:3]] == [
        "Secondary auth token deleted",
        "Secondary auth token created",
        "Secondary auth token promoted to primary",
    ]
    assert all(e["event_data"] == {} for e in log)
    text = client.get("/v1/Events", auth=auth).text
    for secret in (
        account.auth_token,
        first["secondary_auth_token"],
        second["secondary_auth_token"],
    ):
        assert secret not in text


def test_no_event_carries_a_secret(client: TestClient) -> None:
    account = make_account(client)
    sub = make_subaccount(client, account)
    keys = [new_key(client, account), new_key(client, account, KeyType="main")]
    client.post(f"/v1/Keys/{keys[0]['sid']}", data={"FriendlyName": "x"}, auth=_auth(account))
    text = client.get("/v1/Events", auth=_auth(account)).text
    assert len(json.loads(text)["events"]) == 5
    for secret in (account.auth_token, sub.auth_token, *(k["secret"] for k in keys)):
        assert secret not in text
    assert "digest" not in text
    assert "secret" not in text


@pytest.mark.parametrize(
    ("method", "path", "form"),
    [
        ("POST", "/v1/Keys", {"KeyType": "restricted", "Policy": "{}"}),
        ("POST", "/v1/Keys", {"KeyType": "nonsense"}),
        ("POST", "/v1/Keys/SK" + "0" * 32, {"FriendlyName": "x"}),
        ("DELETE", "/v1/Keys/SK" + "0" * 32, None),
        ("DELETE", "/v1/AuthTokens/Secondary", None),
        ("POST", "/v1/AuthTokens/Promote", None),
        ("POST", "/2010-04-01/Accounts/{sid}.json", {"Status": "suspended"}),
        ("POST", "/2010-04-01/Accounts/{sid}.json", {"FriendlyName": "x" * 65}),
    ],
)
def test_a_failed_operation_records_nothing(
    client: TestClient, method: str, path: str, form: dict[str, str] | None
) -> None:
    account = make_account(client)
    before = events(client, _auth(account))
    data = None if form is None else {"AccountSid": account.sid, **form}
    r = client.request(method, path.format(sid=account.sid), data=data, auth=_auth(account))
    assert r.status_code >= 400, r.text
    assert events(client, _auth(account)) == before


def test_a_subaccount_cannot_create_subaccounts_and_nothing_is_recorded(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    r = client.post("/2010-04-01/Accounts.json", auth=_auth(sub))
    assert r.status_code == 400
    assert events(client, _auth(sub)) == []
    assert len(events(client, _auth(parent))) == 2  # the parent's and the subaccount's creation


def test_operator_commands_are_recorded_as_the_system_actor(
    client: TestClient, cli_runner: CliRunner
) -> None:
    result = cli_runner.invoke(main, ["accounts", "create", "--friendly-name", "Ops", "--json"])
    assert result.exit_code == 0, result.output
    account = json.loads(result.stdout)
    result = cli_runner.invoke(main, ["accounts", "update", account["sid"], "--friendly-name", "O"])
    assert result.exit_code == 0, result.output
    log = events(client, (account["sid"], account["auth_token"]))
    assert [summary(e) for e in log] == [
        ("accounts.updated", "accounts", account["sid"], "system", "charter", "cli", None),
        ("accounts.created", "accounts", account["sid"], "system", "charter", "cli", None),
    ]
    assert log[1]["description"] == "Account created"
    assert log[1]["links"] == {"actor": None, "resource": log[1]["links"]["resource"]}
