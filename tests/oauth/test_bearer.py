"""Bearer access tokens on the REST API: signature, expiry on the server's clock, the app still
existing, its own account only, and its policy within the token's scope."""

from __future__ import annotations

from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.domain.events import SYSTEM
from tests.factories import make_account, make_subaccount, runtime
from tests.oauth.helpers import CALLS_LIST, bearer, fetch_token, make_app

CALLS = "/2010-04-01/Accounts/{}/Calls.json"
MESSAGES = "/2010-04-01/Accounts/{}/Messages.json"


def test_a_token_works_within_its_policy_and_nowhere_else(client: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 200
    missing = client.get(MESSAGES.format(account.sid), headers=bearer(token))
    assert missing.status_code == 401
    assert missing.json()["code"] == 70051
    # never a subaccount of its account, never another account (404: existence does not leak)
    sub = make_subaccount(client, account)
    assert client.get(CALLS.format(sub.sid), headers=bearer(token)).status_code == 404
    other = make_account(client, "Other")
    assert client.get(CALLS.format(other.sid), headers=bearer(token)).status_code == 404
    # never management, whatever the policy says (reserved actions: 20003, as Twilio answers)
    apps = client.get("/v1/Account/OAuthApps", headers=bearer(token))
    assert apps.status_code == 401
    assert apps.json()["code"] == 20003
    created = client.post(
        f"/2010-04-01/Accounts/{account.sid}/Keys.json", data={}, headers=bearer(token)
    )
    assert created.status_code == 401
    assert created.json()["code"] == 20003


def test_deny_and_scope_narrow_the_policy(client: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(
        client,
        account,
        allow=["/twilio/voice/calls/*", "/twilio/messaging/messages/*"],
        deny=["/twilio/messaging/messages/list"],
    )
    full = fetch_token(client, app.sid, secret)["access_token"]
    assert client.get(CALLS.format(account.sid), headers=bearer(full)).status_code == 200
    assert client.get(MESSAGES.format(account.sid), headers=bearer(full)).status_code == 401
    scoped = fetch_token(client, app.sid, secret, scope="/twilio/messaging/messages/read")
    assert (
        client.get(CALLS.format(account.sid), headers=bearer(scoped["access_token"])).status_code
        == 401
    )


def test_bad_tokens_are_refused_with_a_bearer_challenge(client: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    head, payload, signature = token.split(".")
    tampered = ".".join(
        [head, payload, signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]]
    )
    for bad in (tampered, "", "not.a.jwt", "a" * 5000, head + "." + payload + "."):
        response = client.get(CALLS.format(account.sid), headers=bearer(bad))
        assert response.status_code == 401, bad
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["code"] == 20003


def test_expiry_follows_the_server_clock_to_the_second(
    client: TestClient, clock: FixedClock
) -> None:
    account = make_account(client)
    app, secret = make_app(client, account, ttl=60)
    token = fetch_token(client, app.sid, secret)["access_token"]
    clock.advance(59)
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 200
    clock.advance(1)
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 401


def test_deleting_the_app_stops_its_tokens_and_secret_at_once(client: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    rt = runtime(client)
    assert client.portal is not None
    client.portal.call(lambda: rt.oauth_apps.delete(account, app.sid, SYSTEM))
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 401
    again = client.post(
        "/v2/token", data={"grant_type": "client_credentials"}, auth=(app.sid, secret)
    )
    assert again.status_code == 401


def test_policy_changes_apply_to_live_tokens(client: TestClient) -> None:
    account = make_account(client)
    app, secret = make_app(client, account)
    token = fetch_token(client, app.sid, secret)["access_token"]
    rt = runtime(client)
    assert client.portal is not None
    client.portal.call(
        lambda: rt.oauth_apps.update(
            account, app.sid, {"policy": {"allow": ["/twilio/messaging/messages/list"]}}, SYSTEM
        )
    )
    assert client.get(CALLS.format(account.sid), headers=bearer(token)).status_code == 401
    assert client.get(MESSAGES.format(account.sid), headers=bearer(token)).status_code == 200


def test_suspended_account_stops_its_tokens(client: TestClient) -> None:
    parent = make_account(client)
    sub = make_subaccount(client, parent)
    app, secret = make_app(client, sub, allow=[CALLS_LIST])
    token = fetch_token(client, app.sid, secret)["access_token"]
    assert client.get(CALLS.format(sub.sid), headers=bearer(token)).status_code == 200
    suspended = client.post(
        f"/2010-04-01/Accounts/{sub.sid}.json",
        data={"Status": "suspended"},
        auth=(parent.sid, parent.auth_token),
    )
    assert suspended.status_code == 200
    refused = client.get(CALLS.format(sub.sid), headers=bearer(token))
    assert refused.status_code == 401
    assert refused.json()["code"] == 20005


def test_delegated_credentials_never_see_auth_tokens(client: TestClient) -> None:
    """A token (or restricted key) allowed to read accounts reads them without `auth_token`: it
    must not escalate to the account's full credentials."""
    account = make_account(client)
    app, secret = make_app(client, account, allow=["/twilio/iam/accounts/read"])
    token = fetch_token(client, app.sid, secret)["access_token"]
    url = f"/2010-04-01/Accounts/{account.sid}.json"
    body = client.get(url, headers=bearer(token)).json()
    assert body["sid"] == account.sid
    assert body["auth_token"] is None
    key = client.post(
        "/v1/Keys",
        data={
            "AccountSid": account.sid,
            "KeyType": "restricted",
            "Policy": '{"allow": ["/twilio/iam/accounts/read"]}',
        },
        auth=(account.sid, account.auth_token),
    ).json()
    assert client.get(url, auth=(key["sid"], key["secret"])).json()["auth_token"] is None
    assert client.get(url, auth=(account.sid, account.auth_token)).json()["auth_token"]
