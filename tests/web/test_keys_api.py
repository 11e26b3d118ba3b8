"""API keys through the front door: 2010 Keys/SigningKeys, IAM v1 Keys, and what each key may do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from charter.domain.models import Account
from tests.factories import make_account, make_subaccount

DOCS = "https://www.twilio.com/docs/errors"


def _auth(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def _create_2010(client: TestClient, account: Account, name: str | None = "k") -> Any:
    data = {} if name is None else {"FriendlyName": name}
    r = client.post(f"/2010-04-01/Accounts/{account.sid}/Keys.json", data=data, auth=_auth(account))
    assert r.status_code == 201, r.text
    return r.json()


def _create_iam(client: TestClient, account: Account, **form: str) -> Any:
    r = client.post("/v1/Keys", data={"AccountSid": account.sid, **form}, auth=_auth(account))
    assert r.status_code == 201, r.text
    return r.json()


def test_create_standard_key_shows_secret_once(client: TestClient) -> None:
    account = make_account(client)
    key = _create_2010(client, account, "ci")
    assert set(key) == {"sid", "friendly_name", "date_created", "date_updated", "secret"}
    assert key["sid"].startswith("SK")
    assert len(key["sid"]) == 34
    assert len(key["secret"]) == 32
    assert key["secret"].isalnum()
    fetched = client.get(
        f"/2010-04-01/Accounts/{account.sid}/Keys/{key['sid']}.json", auth=_auth(account)
    )
    assert fetched.status_code == 200
    assert "secret" not in fetched.json()
    listed = client.get(f"/2010-04-01/Accounts/{account.sid}/Keys.json", auth=_auth(account)).json()
    assert [k["sid"] for k in listed["keys"]] == [key["sid"]]
    assert "secret" not in listed["keys"][0]


def test_keys_and_signing_keys_are_the_same_objects(client: TestClient) -> None:
    account = make_account(client)
    key = _create_2010(client, account)
    r = client.get(f"/2010-04-01/Accounts/{account.sid}/SigningKeys.json", auth=_auth(account))
    assert [k["sid"] for k in r.json()["signing_keys"]] == [key["sid"]]


def test_friendly_name_omitted_is_null_and_65_chars_is_70001(client: TestClient) -> None:
    account = make_account(client)
    assert _create_2010(client, account, None)["friendly_name"] is None
    r = client.post(
        f"/2010-04-01/Accounts/{account.sid}/Keys.json",
        data={"FriendlyName": "x" * 65},
        auth=_auth(account),
    )
    assert r.status_code == 400
    assert r.json()["code"] == 70001


def test_2010_endpoint_ignores_restricted_key_type(client: TestClient) -> None:
    account = make_account(client)
    r = client.post(
        f"/2010-04-01/Accounts/{account.sid}/Keys.json",
        data={"KeyType": "restricted", "Policy": '{"allow":["/twilio/iam/accounts/read"]}'},
        auth=_auth(account),
    )
    sid = r.json()["sid"]
    assert client.get(f"/v1/Keys/{sid}", auth=_auth(account)).json()["policy"] is None


def test_standard_key_authenticates_but_cannot_manage_accounts_or_keys(client: TestClient) -> None:
    account = make_account(client)
    key = _create_2010(client, account)
    auth = (key["sid"], key["secret"])
    for method, url in [
        ("GET", f"/2010-04-01/Accounts/{account.sid}.json"),
        ("GET", "/2010-04-01/Accounts.json"),
        ("POST", "/2010-04-01/Accounts.json"),
        ("GET", f"/2010-04-01/Accounts/{account.sid}/Keys.json"),
        ("POST", f"/2010-04-01/Accounts/{account.sid}/Keys.json"),
        ("POST", "/v1/AuthTokens/Secondary"),
    ]:
        r = client.request(method, url, auth=auth)
        assert r.status_code == 401, (method, url)
        assert r.json() == {
            "code": 20003,
            "message": "Authenticate",
            "more_info": f"{DOCS}/20003",
            "status": 401,
        }


def test_wrong_secret_and_unknown_key_fail_alike(client: TestClient) -> None:
    account = make_account(client)
    key = _create_2010(client, account)
    url = f"/2010-04-01/Accounts/{account.sid}.json"
    wrong = client.get(url, auth=(key["sid"], "x" * 32))
    unknown = client.get(url, auth=("SK" + "0" * 32, "x" * 32))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_deleted_key_stops_at_once(client: TestClient) -> None:
    account = make_account(client)
    key = _create_iam(client, account, KeyType="main")
    auth = (key["sid"], key["secret"])
    url = f"/2010-04-01/Accounts/{account.sid}.json"
    assert client.get(url, auth=auth).status_code == 200
    r = client.delete(
        f"/2010-04-01/Accounts/{account.sid}/Keys/{key['sid']}.json", auth=_auth(account)
    )
    assert r.status_code == 204
    assert r.content == b""
    assert client.get(url, auth=auth).status_code == 401


def test_main_key_acts_like_the_auth_token(client: TestClient) -> None:
    account = make_account(client)
    key = _create_iam(client, account, KeyType="main", FriendlyName="main")
    auth = (key["sid"], key["secret"])
    assert client.post("/2010-04-01/Accounts.json", auth=auth).status_code == 201
    assert (
        client.post(f"/2010-04-01/Accounts/{account.sid}/Keys.json", auth=auth).status_code == 201
    )
    # but it cannot mint further main keys: only the auth token can
    r = client.post("/v1/Keys", data={"AccountSid": account.sid, "KeyType": "main"}, auth=auth)
    assert r.status_code == 401


def test_restricted_key_does_only_what_its_policy_allows(client: TestClient) -> None:
    account = make_account(client)
    policy = json.dumps({"allow": ["/twilio/iam/accounts/read"]})
    key = _create_iam(client, account, KeyType="restricted", Policy=policy, FriendlyName="r")
    assert key["policy"] == {"allow": ["/twilio/iam/accounts/read"]}
    auth = (key["sid"], key["secret"])
    assert client.get(f"/2010-04-01/Accounts/{account.sid}.json", auth=auth).status_code == 200
    r = client.get("/2010-04-01/Accounts.json", auth=auth)
    assert r.status_code == 401
    assert r.json() == {
        "code": 70051,
        "message": "Authorization Error: required permission twilio/iam/accounts/list is missing",
        "more_info": f"{DOCS}/70051",
        "status": 401,
    }
    # management is never delegated, whatever the policy says
    assert client.post("/2010-04-01/Accounts.json", auth=auth).json()["code"] == 20003


def test_restricted_policy_wildcard_and_update(client: TestClient) -> None:
    account = make_account(client)
    key = _create_iam(
        client, account, KeyType="restricted", Policy='{"allow":["/twilio/iam/accounts/read"]}'
    )
    auth = (key["sid"], key["secret"])
    assert client.get("/2010-04-01/Accounts.json", auth=auth).status_code == 401
    r = client.post(
        f"/v1/Keys/{key['sid']}",
        data={"Policy": '{"allow":["/twilio/iam/accounts/*"]}'},
        auth=_auth(account),
    )
    assert r.json()["policy"] == {"allow": ["/twilio/iam/accounts/*"]}
    assert client.get("/2010-04-01/Accounts.json", auth=auth).status_code == 200


@pytest.mark.parametrize(
    ("policy", "code"),
    [
        ('{"allow":["/twilio/fakepermission/doesnotexist"]}', 70002),
        ('{"allow":["/twilio/iam/accounts/create"]}', 70002),
        ('{"allow":[]}', 20001),
        ("not json", 20001),
        ('{"allow":"x"}', 20001),
        ('{"deny":["/twilio/iam/accounts/read"]}', 20001),
        (json.dumps({"allow": ["/twilio/iam/accounts/read"] * 101}), 20001),
    ],
)
def test_bad_policies_are_refused_and_create_nothing(
    client: TestClient, policy: str, code: int
) -> None:
    account = make_account(client)
    r = client.post(
        "/v1/Keys",
        data={"AccountSid": account.sid, "KeyType": "restricted", "Policy": policy},
        auth=_auth(account),
    )
    assert r.status_code == 400
    assert r.json()["code"] == code
    listed = client.get("/v1/Keys", params={"AccountSid": account.sid}, auth=_auth(account)).json()
    assert listed["keys"] == []


def test_unknown_permission_message_names_it(client: TestClient) -> None:
    account = make_account(client)
    r = client.post(
        "/v1/Keys",
        data={
            "AccountSid": account.sid,
            "KeyType": "restricted",
            "Policy": '{"allow":["/twilio/x/y/z"]}',
        },
        auth=_auth(account),
    )
    assert r.json()["message"] == "assertion '/twilio/x/y/z' is invalid"


def test_iam_list_uses_meta_envelope_with_flags(client: TestClient) -> None:
    account = make_account(client)
    for i in range(3):
        _create_iam(client, account, FriendlyName=f"k{i}")
    r = client.get(
        "/v1/Keys", params={"AccountSid": account.sid, "PageSize": 2}, auth=_auth(account)
    )
    body = r.json()
    assert set(body) == {"keys", "meta"}
    assert body["meta"]["key"] == "keys"
    assert body["keys"][0]["flags"] == ["rest_api", "signing"]
    assert body["meta"]["next_page_url"].startswith("http://testserver/v1/Keys?AccountSid=")
    nxt = client.get(body["meta"]["next_page_url"], auth=_auth(account)).json()
    assert len(nxt["keys"]) == 1


def test_iam_list_requires_account_sid(client: TestClient) -> None:
    account = make_account(client)
    r = client.get("/v1/Keys", auth=_auth(account))
    assert r.status_code == 400
    assert r.json()["code"] == 20001


def test_keys_of_other_accounts_are_404(client: TestClient) -> None:
    a, b = make_account(client, "A"), make_account(client, "B")
    key = _create_2010(client, b)
    assert client.get(f"/v1/Keys/{key['sid']}", auth=_auth(a)).status_code == 404
    assert client.delete(f"/v1/Keys/{key['sid']}", auth=_auth(a)).status_code == 404
    assert (
        client.get(
            f"/2010-04-01/Accounts/{b.sid}/Keys/{key['sid']}.json", auth=_auth(a)
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/2010-04-01/Accounts/{a.sid}/Keys/{key['sid']}.json", auth=_auth(a)
        ).status_code
        == 404
    )
    assert client.post("/v1/Keys", data={"AccountSid": b.sid}, auth=_auth(a)).status_code == 404


def test_parent_manages_subaccount_keys_and_sub_keys_stay_in_the_sub(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    key = _create_iam(client, parent, AccountSid=sub.sid, KeyType="main")
    auth = (key["sid"], key["secret"])
    assert client.get(f"/2010-04-01/Accounts/{sub.sid}.json", auth=auth).status_code == 200
    assert client.get(f"/2010-04-01/Accounts/{parent.sid}.json", auth=auth).status_code == 404


def test_malformed_key_sid_is_70002(client: TestClient) -> None:
    account = make_account(client)
    r = client.get("/v1/Keys/SKnothex", auth=_auth(account))
    assert r.status_code == 400
    assert r.json()["code"] == 70002


def test_permissions_doc_is_generated_from_the_route_table() -> None:
    from pathlib import Path

    from charter.web.api import operations
    from charter.web.openapi import permissions_table

    doc = (Path(__file__).parents[2] / "docs" / "permissions.md").read_text()
    assert permissions_table(operations()) in doc


def test_every_route_names_a_catalogue_permission() -> None:
    from charter.domain.permissions import CATALOGUE
    from charter.web.api import operations

    for op in operations():
        assert op.permission in CATALOGUE, op.name
