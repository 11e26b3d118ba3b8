"""Signing up, in and out of the console over plain HTTP: sessions in the database, CSRF on
every form, throttling, and cookies with the right attributes."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from charter.domain.billing import PriceList
from charter.domain.clock import FixedClock
from charter.domain.console import SESSION_LIFETIME
from charter.domain.ids import AccountSid
from charter.domain.models import AccountType
from charter.domain.money import format_units
from charter.settings import Settings
from charter.web.app import create_app
from tests.console.browser import PASSWORD, account_of, csrf_of, sign_in, sign_up, submit
from tests.factories import runtime


def test_sign_up_makes_a_full_account_owned_by_the_user(client: TestClient) -> None:
    r = sign_up(client, "Dev@Example.com")
    assert r.status_code == 303
    assert r.headers["location"] == "/console/"
    sid, token = account_of(client)
    assert client.portal is not None
    account = client.portal.call(runtime(client).directory.account, AccountSid(sid))
    assert account is not None
    assert account.type is AccountType.FULL
    assert account.auth_token == token
    assert account.friendly_name == "dev@example.com"
    home = client.get("/console/").text
    assert f"{format_units(PriceList().starting_balance(AccountType.FULL), 2)} USD" in home
    # The account works with its credentials straight away.
    assert client.get(f"/2010-04-01/Accounts/{sid}.json", auth=(sid, token)).status_code == 200


def test_session_cookie_is_httponly_lax_and_path_root(client: TestClient) -> None:
    r = sign_up(client, "cookie@example.com")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("charter_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # development over plain HTTP


def test_production_cookies_are_secure_and_host_prefixed(settings: Settings, clock: FixedClock):
    production = Settings(
        env="production",
        database_url=settings.database_url,
        secret_key=settings.secret_key,
        public_url="https://charter.example",
        webhook_worker=False,
    )
    with TestClient(create_app(production, clock), base_url="https://charter.example") as client:
        form = client.get("/console/sign-up")
        assert "__Host-charter_csrf=" in form.headers["set-cookie"]
        assert "Secure" in form.headers["set-cookie"]
        r = sign_up(client, "prod@example.com")
        assert r.status_code == 303, r.text
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("__Host-charter_session=")
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "Path=/" in cookie


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("short@example.com", "seven77", "at least 8 characters"),
        ("not-an-email", PASSWORD, "email address is not valid"),
        ("long@example.com", "x" * 1025, "at most 1024 characters"),
    ],
)
def test_sign_up_errors_are_shown_on_the_form(
    client: TestClient, email: str, password: str, message: str
) -> None:
    r = sign_up(client, email, password)
    assert r.status_code == 400
    assert message in r.text
    assert "charter_session" not in r.headers.get("set-cookie", "")
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_an_email_signs_up_once(client: TestClient) -> None:
    assert sign_up(client, "twice@example.com").status_code == 303
    client.cookies.clear()
    r = sign_up(client, "TWICE@example.com")
    assert r.status_code == 400
    assert "already exists" in r.text


def test_unknown_email_and_wrong_password_fail_alike(client: TestClient) -> None:
    sign_up(client, "known@example.com")
    client.cookies.clear()
    wrong = sign_in(client, "known@example.com", "wrong password")
    unknown = sign_in(client, "nobody@example.com", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    message = "The email address or password is not correct"
    assert message in wrong.text
    assert message in unknown.text
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", wrong.text) == strip.sub("", unknown.text)
    assert "set-cookie" not in wrong.headers or "charter_session" not in wrong.headers["set-cookie"]
    r = sign_in(client, "KNOWN@example.com")
    assert r.status_code == 303
    assert r.headers["location"] == "/console/"


def test_sign_in_is_throttled_like_api_credentials(database_url: str, clock: FixedClock) -> None:
    settings = Settings(
        database_url=database_url,
        secret_key=Settings(database_url=database_url).secret_key,
        auth_failures_per_source=3,
        webhook_worker=False,
    )
    with TestClient(create_app(settings, clock)) as client:
        for _ in range(3):
            assert sign_in(client, "someone@example.com", "wrong password").status_code == 401
        r = sign_in(client, "someone@example.com", "wrong password")
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1
        assert "Too many failed sign-in attempts" in r.text


@pytest.mark.parametrize("action", ["/console/sign-in", "/console/sign-up"])
@pytest.mark.parametrize("token", [None, "", "forged-token-forged-token-forged-token"])
def test_sign_in_and_up_need_the_forms_csrf_token(
    client: TestClient, action: str, token: str | None
) -> None:
    client.get(action)  # the browser has its pre-session cookie
    data = {"email": "csrf@example.com", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    r = client.post(action, data=data, follow_redirects=False)
    assert r.status_code == 403
    assert "could not be verified" in r.text
    assert "charter_session" not in r.headers.get("set-cookie", "")


def test_sign_out_ends_the_session_at_once(client: TestClient) -> None:
    sign_up(client, "leaving@example.com")
    cookie = client.cookies["charter_session"]
    home = client.get("/console/")
    r = client.post(
        "/console/sign-out", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/console/sign-in"
    client.cookies.set("charter_session", cookie)  # a copy of the old cookie is worth nothing
    r = client.get("/console/", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/console/sign-in")


def test_sign_out_needs_the_csrf_token(client: TestClient) -> None:
    sign_up(client, "staying@example.com")
    r = client.post("/console/sign-out", data={}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/console/", follow_redirects=False).status_code == 200


def test_sessions_expire(client: TestClient, clock: FixedClock) -> None:
    sign_up(client, "expiring@example.com")
    clock.advance(SESSION_LIFETIME.total_seconds() - 1)
    assert client.get("/console/", follow_redirects=False).status_code == 200
    clock.advance(1)
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_a_session_is_honoured_by_every_instance(client: TestClient, settings: Settings, clock):
    sign_up(client, "everywhere@example.com")
    with TestClient(create_app(settings, clock)) as other:
        other.cookies.set("charter_session", client.cookies["charter_session"])
        page = other.get("/console/", follow_redirects=False)
        assert page.status_code == 200
        other.post("/console/sign-out", data={"csrf_token": csrf_of(page.text)})
    assert client.get("/console/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "http:/evil.example",
        "evil.example",
        "",
    ],
)
def test_next_never_leaves_the_site(client: TestClient, target: str) -> None:
    r = sign_up(client, "next@example.com", next_path=target)
    assert r.status_code == 303
    assert r.headers["location"] == "/console/"
    client.cookies.pop("charter_session")
    page = client.get("/console/sign-in", params={"next": target})
    assert 'name="next" value="/console/"' in page.text
    r = submit(
        client, "/console/sign-in", "/console/sign-in",
        email="next@example.com", password=PASSWORD, next=target,
    )  # fmt: skip
    assert r.headers["location"] == "/console/"


def test_next_keeps_a_path_on_this_site(client: TestClient) -> None:
    r = sign_up(client, "path@example.com", next_path="/authorize/CNx?state=a%20b&x=1")
    assert r.headers["location"] == "/authorize/CNx?state=a%20b&x=1"


def test_signing_in_removes_the_sessions_that_have_ended(
    client: TestClient, clock: FixedClock
) -> None:
    sign_up(client, "tidy@example.com")
    ended = client.cookies["charter_session"]
    clock.advance(SESSION_LIFETIME.total_seconds())
    client.cookies.clear()
    sign_in(client, "tidy@example.com")
    sessions = runtime(client).uow

    async def removed() -> int:
        async with sessions() as uow:
            return await uow.console_sessions.delete_expired(clock.now())

    assert client.cookies["charter_session"] != ended
    assert client.portal is not None
    assert client.portal.call(removed) == 0  # the ended session went when the new one began
    clock.advance(SESSION_LIFETIME.total_seconds())
    assert client.portal.call(removed) == 1
