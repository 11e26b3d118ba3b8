"""Issue 5 through the unmodified `twilio` library: a developer's Connect app, a customer's
approval, the app acting as `Client(<dedicated subaccount>, <developer's auth token>)`, and
revocation.

There is no HTTP approval path until the console's consent page lands, so the approval is made
in this test process through `ConnectService.authorize`, on the server's own database (as the
consent page will call it); the server learns of it through the change feed. Everything else
goes through the real server.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from twilio.base.exceptions import TwilioRestException

from charter.domain.connect import Authorization
from charter.domain.events import CONSOLE, Actor
from charter.runtime import build_runtime
from charter.settings import Secret, Settings
from tests.conftest import TEST_KEY
from tests.e2e.conftest import AccountPool, CharterServer, MainAccount
from tests.twilio_local import local_client

pytestmark = pytest.mark.slow

USER = "US" + "5" * 32
APP = {
    "FriendlyName": "Textblaster",
    "LogoUrl": "http://127.0.0.1:9/logo.png",
    "CompanyName": "Blaster Inc",
    "AuthorizeRedirectUrl": "http://127.0.0.1:9/connected?from=twilio",
    "DeauthorizeCallbackUrl": "http://127.0.0.1:9/deauthorized",
    "Permissions": "get-all,post-all",
}


def _approve(server: CharterServer, customer_sid: str, app_sid: str) -> tuple[Authorization, str]:
    """The customer's approval, made through the service on the server's database."""

    async def run() -> tuple[Authorization, str]:
        settings = Settings(database_url=server.database_url, secret_key=Secret(TEST_KEY))
        runtime = build_runtime(settings)
        try:
            customer = await runtime.directory.account(customer_sid)  # type: ignore[arg-type]
            assert customer is not None
            actor = Actor("user", USER, CONSOLE)
            return await runtime.connect.authorize(customer, app_sid, USER, actor)
        finally:
            await runtime.stop()

    return asyncio.run(run())


def test_a_connect_app_through_the_library(
    server: CharterServer, main_account: MainAccount, account_pool: AccountPool
) -> None:
    developer, customer = main_account, account_pool.take()
    with server.http(developer.auth) as http:
        created = http.post(f"/2010-04-01/Accounts/{developer.sid}/ConnectApps.json", data=APP)
    assert created.status_code == 201, created.text
    app_sid = created.json()["sid"]

    # The developer manages the app with the library's own ConnectApp resource.
    dev = local_client(server.base, developer.sid, developer.auth_token)
    app = dev.api.v2010.accounts(developer.sid).connect_apps(app_sid).fetch()
    assert (app.friendly_name, app.permissions) == ("Textblaster", ["get-all", "post-all"])
    app = (
        dev.api.v2010.accounts(developer.sid)
        .connect_apps(app_sid)
        .update(description="Texts for everyone", deauthorize_callback_method="GET")
    )
    assert (app.description, app.deauthorize_callback_method) == ("Texts for everyone", "GET")
    listed = dev.api.v2010.accounts(developer.sid).connect_apps.list()
    assert [a.sid for a in listed] == [app_sid]

    # The customer has a subaccount of its own, and approves the app.
    owner = local_client(server.base, customer.sid, customer.auth_token)
    other = owner.api.v2010.accounts.create(friendly_name="Support line")
    authorization, redirect = _approve(server, customer.sid, app_sid)
    dedicated = authorization.subaccount_sid
    assert redirect == f"http://127.0.0.1:9/connected?from=twilio&AccountSid={dedicated}"
    authorized = owner.api.v2010.accounts(customer.sid).authorized_connect_apps(app_sid).fetch()
    assert (authorized.connect_app_friendly_name, authorized.permissions) == (
        "Textblaster", ["get-all", "post-all"],
    )  # fmt: skip

    # The app, as the library is used with Connect: the AccountSid it was given and its token.
    connect = local_client(server.base, dedicated, developer.auth_token)
    seen = connect.api.v2010.accounts.list()
    assert {a.sid for a in seen} == {customer.sid, other.sid, dedicated}
    assert all(a.auth_token is None for a in seen)
    assert connect.api.v2010.accounts(customer.sid).fetch().friendly_name == customer.friendly_name
    assert connect.api.v2010.accounts(other.sid).messages.list() == []
    balance = Decimal(owner.api.v2010.accounts(customer.sid).balance.fetch().balance)

    offered = connect.available_phone_numbers("US").local.list(area_code=415, limit=1)
    number = connect.incoming_phone_numbers.create(phone_number=offered[0].phone_number)
    sent = connect.messages.create(to="+14155550100", from_=number.phone_number, body="hello")
    assert (sent.account_sid, sent.status) == (dedicated, "queued")
    after = Decimal(owner.api.v2010.accounts(customer.sid).balance.fetch().balance)
    assert balance - after == Decimal("1.15") + Decimal("0.0079")
    mine = owner.api.v2010.accounts(dedicated).messages.list()
    assert [m.sid for m in mine] == [sent.sid]  # the customer sees what the app did

    with pytest.raises(TwilioRestException) as elsewhere:
        connect.api.v2010.accounts(other.sid).incoming_phone_numbers.create(area_code="415")
    assert (elsewhere.value.status, elsewhere.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException) as keys:
        connect.api.v2010.accounts(dedicated).new_keys.create(friendly_name="mine now")
    assert (keys.value.status, keys.value.code) == (401, 20003)
    with pytest.raises(TwilioRestException) as sub:
        connect.api.v2010.accounts.create(friendly_name="more")
    assert (sub.value.status, sub.value.code) == (401, 20003)

    # The customer revokes (Charter's DELETE): the very next request is refused.
    with server.http(customer.auth) as http:
        revoked = http.delete(
            f"/2010-04-01/Accounts/{customer.sid}/AuthorizedConnectApps/{app_sid}.json"
        )
    assert revoked.status_code == 204
    with pytest.raises(TwilioRestException) as refused:
        connect.api.v2010.accounts(customer.sid).fetch()
    assert (refused.value.status, refused.value.code) == (401, 20003)
    assert Decimal(owner.api.v2010.accounts(customer.sid).balance.fetch().balance) == after

    # The developer deletes the app with the library.
    assert dev.api.v2010.accounts(developer.sid).connect_apps(app_sid).delete() is True
    assert dev.api.v2010.accounts(developer.sid).connect_apps.list() == []
