"""Issue 5's "Done when", as new users would do it in a real browser: a developer signs up and
creates a Connect app in the console, pastes its button on their own site; a customer clicks it,
signs up, approves; the app reads the customer's data through the unmodified `twilio` library;
the customer revokes it in the console and the app is refused."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.browser.conftest import DeveloperSite
from tests.e2e.conftest import CharterServer
from tests.twilio_local import local_client

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


@dataclass(frozen=True, slots=True)
class Developer:
    sid: str
    auth_token: str
    app_sid: str
    button: str


def _sign_up(page: Any, email: str) -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign up')")


def _account(page: Any, base: str) -> tuple[str, str]:
    page.goto(f"{base}/console/")
    page.click("summary:has-text('Show')")
    return page.text_content("#account-sid").strip(), page.text_content("#auth-token").strip()


def _developer_creates_an_app(
    browser: Any, server: CharterServer, site: DeveloperSite
) -> Developer:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.base}/console/sign-up")
    _sign_up(page, f"dev-{uuid.uuid4().hex[:8]}@example.com")
    page.wait_for_url(f"{server.base}/console/")
    sid, token = _account(page, server.base)
    page.click("a:has-text('Connect apps')")
    page.click("a:has-text('Create a Connect app')")
    page.fill("input[name=FriendlyName]", "Blaster")
    page.fill("input[name=CompanyName]", "Blaster Inc")
    page.fill("input[name=LogoUrl]", "https://127.0.0.1:9/logo.png")
    page.fill("textarea[name=Description]", "Sends texts for you")
    page.fill("input[name=HomepageUrl]", f"{site.base}/")
    page.fill("input[name=TermsOfServiceUrl]", f"{site.base}/terms")
    page.fill("input[name=AuthorizeRedirectUrl]", f"{site.base}/connected")
    page.fill("input[name=DeauthorizeCallbackUrl]", f"{site.base}/deauthorized")
    page.select_option("select[name=DeauthorizeCallbackMethod]", "POST")
    page.check("input[name=Permissions][value=get-all]")
    page.check("input[name=Permissions][value=post-all]")
    page.click("button:has-text('Create')")
    page.wait_for_url(re.compile(r".*/console/apps/CN[0-9a-f]{32}$"))
    app_sid = page.url.rsplit("/", 1)[1]
    button = page.input_value("#button-html")  # what the developer copies
    context.close()
    return Developer(sid, token, app_sid, button)


def _customer_connects(browser: Any, server: CharterServer, site: DeveloperSite, state: str):
    """The customer's browser: clicks the button, signs up, approves. Returns the page, still
    open, and the customer's account SID."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.base}/")
    page.click("a:has-text('Connect Blaster')")
    page.wait_for_url(re.compile(rf"^{re.escape(server.base)}/authorize/CN"))
    assert "wants to connect to your account" in page.text_content("h1")
    page.click("#sign-up")
    _sign_up(page, f"customer-{uuid.uuid4().hex[:8]}@example.com")
    page.wait_for_url(re.compile(rf"^{re.escape(server.base)}/authorize/CN[0-9a-f]{{32}}\?state="))
    text = page.text_content("main")
    for expected in ("Authorize Blaster", "by Blaster Inc", "Sends texts for you",
                     "Read all of your account data", "Make changes and charge your account",
                     "billed to your account", "Terms of service", "Homepage"):  # fmt: skip
        assert expected in text, expected
    assert page.get_attribute("img.logo", "src") == "https://127.0.0.1:9/logo.png"
    customer_sid = re.search(r"\((AC[0-9a-f]{32})\)", text)
    assert customer_sid is not None
    page.click("button[name=decision][value=allow]")
    page.wait_for_url(re.compile(rf"^{re.escape(site.base)}/connected\?"))
    return context, page, customer_sid.group(1)


def test_developer_and_customer_go_through_connect_in_a_browser(
    browser: Any, console_server: CharterServer, developer_site: DeveloperSite
) -> None:
    server, site = console_server, developer_site
    developer = _developer_creates_an_app(browser, server, site)
    assert developer.button.startswith(
        f'<a href="{server.base}/authorize/{developer.app_sid}?state=YOUR_STATE" style="'
    )
    state = "csrf-" + uuid.uuid4().hex
    site.button = developer.button.replace("YOUR_STATE", state)
    context, page, customer_sid = _customer_connects(browser, server, site, state)

    arrivals = site.arrivals("/connected")
    assert len(arrivals) == 1
    assert arrivals[0]["state"] == state
    subaccount = arrivals[0]["AccountSid"]
    assert re.fullmatch(r"AC[0-9a-f]{32}", subaccount)

    # The app, through the unmodified twilio library: the dedicated subaccount's SID and the
    # developer's own auth token.
    app = local_client(server.base, subaccount, developer.auth_token)
    assert app.api.v2010.accounts(customer_sid).fetch().sid == customer_sid
    sub = app.api.v2010.accounts(subaccount).fetch()
    assert sub.owner_account_sid == customer_sid
    balance = Decimal(app.api.v2010.accounts(customer_sid).balance.fetch().balance)
    assert balance > 0

    # The customer revokes it in the console; the app is refused at once.
    page.goto(f"{server.base}/console/authorized-apps")
    row = page.locator("tr", has_text="Blaster Inc")
    assert subaccount in row.text_content()
    row.locator("button:has-text('Revoke')").click()
    page.wait_for_url(f"{server.base}/console/authorized-apps")
    assert "No Connect app is authorized" in page.text_content("main")
    with pytest.raises(TwilioRestException) as refused:
        app.api.v2010.accounts(customer_sid).fetch()
    assert refused.value.status == 401
    context.close()


def test_deny_in_the_browser_returns_unauthorized_client(
    browser: Any, console_server: CharterServer, developer_site: DeveloperSite
) -> None:
    server, site = console_server, developer_site
    developer = _developer_creates_an_app(browser, server, site)
    site.button = developer.button.replace("YOUR_STATE", "deny-me")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.base}/")
    page.click("a:has-text('Connect Blaster')")
    page.click("#sign-up")
    _sign_up(page, f"no-{uuid.uuid4().hex[:8]}@example.com")
    page.click("button[name=decision][value=deny]")
    page.wait_for_url(re.compile(rf"^{re.escape(site.base)}/connected\?"))
    assert site.arrivals("/connected") == [{"error": "unauthorized_client", "state": "deny-me"}]
    context.close()


def test_the_consent_page_cannot_be_framed(
    browser: Any, console_server: CharterServer, developer_site: DeveloperSite
) -> None:
    server, site = console_server, developer_site
    developer = _developer_creates_an_app(browser, server, site)
    site.button = f'<iframe id="victim" src="{server.base}/authorize/{developer.app_sid}"></iframe>'
    context = browser.new_context()
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text))
    page.goto(f"{site.base}/")
    page.wait_for_timeout(500)
    frame = page.frame_locator("#victim")
    assert frame.locator("text=wants to connect").count() == 0
    assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in blocked), blocked
    context.close()
