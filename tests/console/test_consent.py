"""The Connect consent flow over plain HTTP, as a browser without JavaScript would go through
it: sign up from the consent page, approve or deny, CSRF, the redirects and revocation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from starlette.testclient import TestClient

from charter.domain.ids import AccountSid
from charter.domain.paging import PageRequest
from charter.settings import Settings
from charter.web.app import create_app
from tests.console.browser import (
    account_of,
    create_app as create_connect_app,
    csrf_of,
    hidden,
    sign_up,
    submit,
)
from tests.factories import runtime


@pytest.fixture
def developer(client: TestClient) -> tuple[str, str]:
    sign_up(client, "dev@example.com")
    return account_of(client)


@pytest.fixture
def customer(settings: Settings, clock) -> Iterator[TestClient]:
    """A second browser, for the customer."""
    with TestClient(create_app(settings, clock)) as browser:
        yield browser


def _query(location: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))


def test_a_new_customer_signs_up_approves_and_revokes(
    client: TestClient, developer, customer: TestClient
) -> None:
    app_sid = create_connect_app(client)
    consent = f"/authorize/{app_sid}?state=s%20t%26a%3Dte"
    page = customer.get(consent)
    assert page.status_code == 200
    assert "Blaster" in page.text
    assert (
        f'href="/console/sign-up?next=%2Fauthorize%2F{app_sid}%3Fstate%3Ds%2Bt%2526a%253Dte"'
        in page.text
    )
    # The customer signs up and is sent back to the consent page.
    r = sign_up(
        customer, "customer@example.com", next_path=f"/authorize/{app_sid}?state=s+t%26a%3Dte"
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/authorize/{app_sid}?state=s+t%26a%3Dte"
    page = customer.get(r.headers["location"])
    assert page.status_code == 200
    customer_sid, customer_token = account_of(customer)
    for text in (
        "Authorize Blaster", "Blaster Inc", "Sends texts for you", "https://blaster.example/terms",
        "billed to your account", "Read all of your account data", customer_sid,
    ):  # fmt: skip
        assert text in page.text, text
    assert hidden(page.text, "state") == "s t&a=te"
    r = customer.post(
        f"/authorize/{app_sid}",
        data={"csrf_token": csrf_of(page.text), "state": "s t&a=te", "decision": "allow"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("https://blaster.example/connected?from=charter&AccountSid=AC")
    query = _query(location)
    assert query["state"] == "s t&a=te"
    assert query["from"] == "charter"
    subaccount = query["AccountSid"]
    # The dedicated subaccount is the customer's, and the app reads it with the developer's token.
    sub = customer.get(
        f"/2010-04-01/Accounts/{subaccount}.json", auth=(customer_sid, customer_token)
    )
    assert sub.status_code == 200
    assert sub.json()["owner_account_sid"] == customer_sid
    as_app = (subaccount, developer[1])
    assert client.get(f"/2010-04-01/Accounts/{customer_sid}.json", auth=as_app).status_code == 200
    # The customer sees it in the console and revokes it.
    listing = customer.get("/console/authorized-apps")
    assert "Blaster Inc" in listing.text
    assert subaccount in listing.text
    assert "Make changes and charge your account" in listing.text
    r = customer.post(
        f"/console/authorized-apps/{app_sid}/revoke",
        data={"csrf_token": csrf_of(listing.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/console/authorized-apps"
    assert subaccount not in customer.get("/console/authorized-apps").text
    # Refused at once on the instance that revoked, and within seconds on the other one.
    assert customer.get(f"/2010-04-01/Accounts/{customer_sid}.json", auth=as_app).status_code == 401
    deadline = time.monotonic() + 10
    while client.get(f"/2010-04-01/Accounts/{customer_sid}.json", auth=as_app).status_code != 401:
        assert time.monotonic() < deadline, "the other instance still accepts the revoked app"
        time.sleep(0.05)


def test_deny_sends_unauthorized_client_and_state(client, developer, customer) -> None:
    app_sid = create_connect_app(client)
    sign_up(customer, "denier@example.com")
    page = customer.get(f"/authorize/{app_sid}?state=xyz")
    r = customer.post(
        f"/authorize/{app_sid}",
        data={"csrf_token": csrf_of(page.text), "state": "xyz", "decision": "deny"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == (
        "https://blaster.example/connected?from=charter&error=unauthorized_client&state=xyz"
    )
    assert "Blaster" not in customer.get("/console/authorized-apps").text


@pytest.mark.parametrize("token", [None, "", "0" * 64])
def test_no_approval_without_the_csrf_token(client, developer, customer, token) -> None:
    app_sid = create_connect_app(client)
    sign_up(customer, "victim@example.com")
    data = {"state": "xyz", "decision": "allow"}
    if token is not None:
        data["csrf_token"] = token
    r = customer.post(f"/authorize/{app_sid}", data=data, follow_redirects=False)
    assert r.status_code == 403
    assert "location" not in r.headers
    assert "could not be verified" in r.text
    rt = runtime(customer)
    customer_sid, _ = account_of(customer)
    assert customer.portal is not None
    account = customer.portal.call(rt.directory.account, AccountSid(customer_sid))
    assert account is not None
    found = customer.portal.call(rt.connect.authorized_apps, account, PageRequest())
    assert list(found.items) == []


def test_another_sessions_csrf_token_is_refused(client, developer, customer) -> None:
    app_sid = create_connect_app(client)
    attacker_token = csrf_of(client.get(f"/authorize/{app_sid}").text)  # the developer's own
    sign_up(customer, "target@example.com")
    r = customer.post(
        f"/authorize/{app_sid}",
        data={"csrf_token": attacker_token, "decision": "allow"},
        follow_redirects=False,
    )
    assert r.status_code == 403


@pytest.mark.parametrize("sid", ["CN" + "0" * 32, "nonsense", "CN" + "0" * 300])
def test_an_unknown_app_is_a_plain_error_page(customer: TestClient, sid: str) -> None:
    for signed_in in (False, True):
        if signed_in:
            sign_up(customer, "lost@example.com")
        r = customer.get(f"/authorize/{sid}?state=x", follow_redirects=False)
        assert r.status_code == 404
        assert "location" not in r.headers
        assert "no Connect app at this address" in r.text
        r = customer.post(f"/authorize/{sid}", data={"decision": "allow"}, follow_redirects=False)
        assert r.status_code == 404
        assert "location" not in r.headers


def test_an_app_without_an_authorize_url_cannot_be_approved(client, developer, customer) -> None:
    app_sid = create_connect_app(client, AuthorizeRedirectUrl=None)
    sign_up(customer, "early@example.com")
    page = customer.get(f"/authorize/{app_sid}?state=x")
    assert page.status_code == 200
    assert "has not set an\n  Authorize URL" in page.text
    assert 'value="allow"' not in page.text
    for decision, status in (("allow", 400), ("deny", 200)):
        r = customer.post(
            f"/authorize/{app_sid}",
            data={"csrf_token": csrf_of(page.text), "decision": decision},
            follow_redirects=False,
        )
        assert r.status_code == status
        assert "location" not in r.headers


@pytest.mark.parametrize(
    ("query", "message"),
    [("state=a&state=b", "more than once"), ("state=" + "x" * 4097, "longer than")],
)
def test_bad_state_is_a_clear_error(client, developer, customer, query, message) -> None:
    app_sid = create_connect_app(client)
    sign_up(customer, "state@example.com")
    r = customer.get(f"/authorize/{app_sid}?{query}")
    assert r.status_code == 400
    assert message in r.text


def test_a_decision_must_be_allow_or_deny(client, developer, customer) -> None:
    app_sid = create_connect_app(client)
    sign_up(customer, "undecided@example.com")
    page = customer.get(f"/authorize/{app_sid}")
    r = customer.post(
        f"/authorize/{app_sid}",
        data={"csrf_token": csrf_of(page.text), "decision": "maybe"},
        follow_redirects=False,
    )
    assert r.status_code == 400
    assert "Choose Allow or Deny" in r.text


def test_a_post_without_a_session_goes_back_to_the_consent_page(client, developer, customer):
    app_sid = create_connect_app(client)
    r = customer.post(
        f"/authorize/{app_sid}", data={"state": "q r", "decision": "allow"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/authorize/{app_sid}?state=q+r"


def test_revoke_needs_the_csrf_token(client, developer, customer) -> None:
    app_sid = create_connect_app(client)
    sign_up(customer, "keeper@example.com")
    page = customer.get(f"/authorize/{app_sid}")
    customer.post(
        f"/authorize/{app_sid}",
        data={"csrf_token": csrf_of(page.text), "decision": "allow"},
        follow_redirects=False,
    )
    r = customer.post(f"/console/authorized-apps/{app_sid}/revoke", follow_redirects=False)
    assert r.status_code == 403
    assert "Blaster" in customer.get("/console/authorized-apps").text
    r = submit(
        customer, "/console/authorized-apps", f"/console/authorized-apps/{'CN' + '0' * 32}/revoke"
    )
    assert r.status_code == 404
