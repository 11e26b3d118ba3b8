"""OAuth apps through the front door: `/v1/Account/OAuthApps` create, list, fetch, update, delete,
validation, tenant isolation and who may manage apps."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.domain.models import Account
from charter.security import digest
from tests.factories import make_account, make_subaccount
from tests.web.oauth_apps import BODY, PATH, READ, auth, create, credentials

DOCS = "https://www.twilio.com/docs/errors"


def test_create_shows_the_secret_once_and_stores_its_digest(client: TestClient) -> None:
    account = make_account(client)
    app = create(client, account, description="CRM sync", tos_url="https://acme.example/tos")
    secret = app.pop("secret")
    assert app == {
        "type": "client_credentials",
        "sid": app["sid"],
        "account_sid": account.sid,
        "friendly_name": "Acme",
        "description": "CRM sync",
        "company_name": None,
        "logo_url": None,
        "homepage_url": None,
        "terms_url": "https://acme.example/tos",
        "policy": {"allow": [READ], "deny": []},
        "access_token_ttl": 3600,
        "status": "active",
        "created_by": account.sid,
        "creator_sid": account.sid,
        "date_created": "2026-11-25T12:00:00Z",
        "date_updated": "2026-11-25T12:00:00Z",
        "url": f"http://testserver{PATH}/{app['sid']}",
    }
    assert app["sid"].startswith("OQ")
    assert len(app["sid"]) == 34
    assert len(secret) == 32
    assert secret.isalnum()
    found = credentials(client, app["sid"])
    assert found is not None
    _, secrets = found
    assert [(s.digest, s.expires_at) for s in secrets] == [(digest(secret), None)]
    fetched = client.get(f"{PATH}/{app['sid']}", auth=auth(account))
    assert fetched.status_code == 200
    assert fetched.json() == app


def test_list_uses_the_v1_meta_envelope(client: TestClient) -> None:
    account = make_account(client)
    sids = [create(client, account, friendly_name=f"app {i}")["sid"] for i in range(3)]
    r = client.get(PATH, params={"PageSize": 2}, auth=auth(account))
    assert r.status_code == 200
    body = r.json()
    assert [a["sid"] for a in body["oauth_apps"]] == sids[:2]
    assert all("secret" not in a for a in body["oauth_apps"])
    assert body["meta"]["key"] == "oauth_apps"
    assert body["meta"]["page_size"] == 2
    assert body["meta"]["next_page_url"].startswith(f"http://testserver{PATH}?")
    following = client.get(body["meta"]["next_page_url"], auth=auth(account)).json()
    assert [a["sid"] for a in following["oauth_apps"]] == sids[2:]


def test_put_replaces_only_the_fields_present(client: TestClient, clock: FixedClock) -> None:
    account = make_account(client)
    app = create(client, account, description="old", homepage_url="https://acme.example")
    clock.advance(60)
    r = client.put(
        f"{PATH}/{app['sid']}",
        json={
            "friendly_name": "Renamed",
            "access_token_ttl": 120,
            "policy": {"allow": ["/twilio/voice/calls/*"], "deny": ["/twilio/voice/calls/delete"]},
        },  # fmt: skip
        auth=auth(account),
    )
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["friendly_name"] == "Renamed"
    assert updated["access_token_ttl"] == 120
    assert updated["policy"] == {
        "allow": ["/twilio/voice/calls/*"],
        "deny": ["/twilio/voice/calls/delete"],
    }
    assert updated["description"] == "old"
    assert updated["homepage_url"] == "https://acme.example"
    assert updated["date_created"] == "2026-11-25T12:00:00Z"
    assert updated["date_updated"] == "2026-11-25T12:01:00Z"
    # null clears an optional field; tos_url is accepted for terms_url
    cleared = client.put(
        f"{PATH}/{app['sid']}",
        json={"description": None, "tos_url": "https://acme.example/terms"},
        auth=auth(account),
    ).json()
    assert cleared["description"] is None
    assert cleared["terms_url"] == "https://acme.example/terms"
    assert client.get(f"{PATH}/{app['sid']}", auth=auth(account)).json() == cleared


def test_delete_removes_the_app_and_its_secrets(client: TestClient) -> None:
    account = make_account(client)
    app = create(client, account)
    r = client.delete(f"{PATH}/{app['sid']}", auth=auth(account))
    assert r.status_code == 204
    assert r.content == b""
    assert credentials(client, app["sid"]) is None
    assert client.get(f"{PATH}/{app['sid']}", auth=auth(account)).status_code == 404
    assert client.delete(f"{PATH}/{app['sid']}", auth=auth(account)).status_code == 404


INVALID: list[tuple[dict[str, Any], int, str]] = [
    ({"friendly_name": None}, 20001, "friendly_name is required"),
    ({"friendly_name": "x" * 65}, 20001, "friendly_name must be text of at most 64"),
    ({"friendly_name": 7}, 20001, "Invalid parameter friendly_name"),
    ({"policy": None}, 20001, "policy must allow at least one permission"),
    ({"policy": {"allow": []}}, 20001, "policy must allow at least one permission"),
    ({"policy": {"allow": "/twilio/voice/calls/read"}}, 20001, "Invalid parameter policy.allow"),
    (
        {"policy": {"allow": ["/twilio/nope/read"]}},
        70002,
        "assertion '/twilio/nope/read' is invalid",
    ),  # fmt: skip
    ({"policy": {"allow": ["/twilio/iam/api-keys/create"]}}, 70002, "is invalid"),
    (
        {"policy": {"allow": [READ] * 1 + [f"/twilio/x/{i}/read" for i in range(100)]}},
        20001,
        "at most 100",
    ),  # fmt: skip
    ({"access_token_ttl": 59}, 20001, "access_token_ttl must be"),
    ({"access_token_ttl": 30 * 24 * 3600 + 1}, 20001, "access_token_ttl must be"),
    ({"access_token_ttl": "3600"}, 20001, "Invalid parameter access_token_ttl"),
    ({"access_token_ttl": True}, 20001, "Invalid parameter access_token_ttl"),
    ({"access_token_ttl": 3600.5}, 20001, "Invalid parameter access_token_ttl"),
    ({"type": "authorization_code"}, 20001, "type must be one of: client_credentials"),
    ({"logo_url": "ftp://acme.example/logo.png"}, 20001, "logo_url must be an absolute"),
    ({"homepage_url": "javascript:alert(1)"}, 20001, "homepage_url must be an absolute"),
    ({"terms_url": "https://"}, 20001, "terms_url must be an absolute"),
    ({"terms_url": "https://a.example", "tos_url": "https://b.example"}, 20001, "give one"),
    ({"description": "x" * 1025}, 20001, "description must be text"),
    ({"owner_sid": "AC" + "0" * 32}, 20001, "owner_sid must be"),
    ({"client_sid": "OQ" + "0" * 32}, 20001, "client_sid cannot be chosen"),
    ({"token_endpoint_auth_method": "none"}, 20001, "token_endpoint_auth_method"),
]


@pytest.mark.parametrize(
    ("fields", "code", "message"), INVALID, ids=[str(i[0])[:40] for i in INVALID]
)
def test_invalid_fields_are_400_and_change_nothing(
    client: TestClient, fields: dict[str, Any], code: int, message: str
) -> None:
    account = make_account(client)
    r = client.post(PATH, json={**BODY, **fields}, auth=auth(account))
    assert r.status_code == 400, r.text
    assert r.json()["code"] == code
    assert message in r.json()["message"]
    app = create(client, account)
    put = client.put(f"{PATH}/{app['sid']}", json=fields, auth=auth(account))
    if "owner_sid" in fields or "client_sid" in fields:
        assert put.status_code == 200  # not fields of an update: ignored
    else:
        assert put.status_code == 400, put.text
        assert put.json()["code"] == code
    listed = client.get(PATH, auth=auth(account)).json()["oauth_apps"]
    assert listed == [{k: v for k, v in app.items() if k != "secret"}]


def test_owner_sid_of_the_own_account_and_known_fields_are_accepted(client: TestClient) -> None:
    account = make_account(client)
    app = create(
        client,
        account,
        owner_sid=account.sid,
        token_endpoint_auth_method="client_secret_basic",
        company_name="Acme Inc.",
        logo_url="http://localhost:8080/logo.png",  # http is fine outside production
        access_token_ttl=60,
        unknown_field="ignored",
    )
    assert app["company_name"] == "Acme Inc."
    assert app["logo_url"] == "http://localhost:8080/logo.png"
    assert app["access_token_ttl"] == 60


def test_another_accounts_app_is_not_found(client: TestClient) -> None:
    owner = make_account(client, "Owner")
    stranger = make_account(client, "Stranger")
    sub = make_subaccount(client, owner)
    app = create(client, owner)
    unknown = "OQ" + "0" * 32
    for who in (stranger, sub):
        assert client.get(PATH, auth=auth(who)).json()["oauth_apps"] == []
        for method, suffix, body in [
            ("GET", "", None),
            ("PUT", "", {"friendly_name": "mine"}),
            ("DELETE", "", None),
            ("POST", "/secret", {}),
            ("DELETE", "/secret/previous", None),
        ]:
            theirs = client.request(
                method, f"{PATH}/{app['sid']}{suffix}", json=body, auth=auth(who)
            )
            missing = client.request(method, f"{PATH}/{unknown}{suffix}", json=body, auth=auth(who))
            assert theirs.status_code == missing.status_code == 404, (method, suffix)
            assert theirs.json()["code"] == 20404
            assert (
                theirs.json()["message"].replace(app["sid"], unknown) == missing.json()["message"]
            )
    # the parent's credentials manage only the parent's own apps too
    sub_app = create(client, sub)
    listed = client.get(PATH, auth=auth(owner)).json()["oauth_apps"]
    assert [a["sid"] for a in listed] == [app["sid"]]
    assert client.get(f"{PATH}/{sub_app['sid']}", auth=auth(owner)).status_code == 404
    assert client.get(f"{PATH}/{app['sid']}", auth=auth(owner)).status_code == 200


def test_malformed_sid_is_70002(client: TestClient) -> None:
    account = make_account(client)
    r = client.get(f"{PATH}/SK{'0' * 32}", auth=auth(account))
    assert r.status_code == 400
    assert r.json()["code"] == 70002


def _key(client: TestClient, account: Account, **form: str) -> tuple[str, str]:
    r = client.post("/v1/Keys", data={"AccountSid": account.sid, **form}, auth=auth(account))
    assert r.status_code == 201, r.text
    return (r.json()["sid"], r.json()["secret"])


def test_standard_and_restricted_keys_cannot_manage_apps(client: TestClient) -> None:
    account = make_account(client)
    app = create(client, account)
    policy = json.dumps({"allow": [READ]})
    for key in (_key(client, account), _key(client, account, KeyType="restricted", Policy=policy)):
        for method, suffix in [("POST", ""), ("GET", ""), ("GET", f"/{app['sid']}"),
                               ("PUT", f"/{app['sid']}"), ("DELETE", f"/{app['sid']}"),
                               ("POST", f"/{app['sid']}/secret"),
                               ("DELETE", f"/{app['sid']}/secret/previous")]:  # fmt: skip
            r = client.request(method, f"{PATH}{suffix}", json=BODY, auth=key)
            assert r.status_code == 401, (method, suffix, r.text)
            assert r.json() == {
                "code": 20003,
                "message": "Authenticate",
                "more_info": f"{DOCS}/20003",
                "status": 401,
            }
    assert credentials(client, app["sid"]) is not None


def test_a_main_key_manages_apps(client: TestClient) -> None:
    account = make_account(client)
    key = _key(client, account, KeyType="main")
    r = client.post(PATH, json=BODY, auth=key)
    assert r.status_code == 201, r.text
    assert r.json()["created_by"] == key[0]
    sid = r.json()["sid"]
    assert client.put(f"{PATH}/{sid}", json={"friendly_name": "k"}, auth=key).status_code == 200
    assert client.post(f"{PATH}/{sid}/secret", auth=key).status_code == 200
    assert client.delete(f"{PATH}/{sid}", auth=key).status_code == 204
