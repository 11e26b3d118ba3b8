"""Issue 5's "Done when", over plain HTTP against a real `charter serve` on the test clock: a
developer creates a Connect app in the console; a customer signs up through the consent flow and
approves; the unmodified twilio library, with the returned AccountSid and the developer's auth
token, reads the customer's data and sends a message billed to the customer; the customer revokes
in the console; the app is refused at once, and the developer's server receives a deauthorization
callback that the library's `RequestValidator` accepts, retried until delivered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from tests.console.browser import account_of, create_app, csrf_of, sign_up
from tests.e2e.conftest import CharterServer, own_server
from tests.e2e.receiver import Receiver
from tests.twilio_local import local_client

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CharterServer]:
    with own_server(tmp_path_factory, "connect-clock", {"CHARTER_TEST_CLOCK": "1"}) as server:
        yield server


def _advance(server: CharterServer, seconds: float) -> None:
    with server.http() as http:
        assert http.post("/_charter/clock", data={"advance": str(seconds)}).status_code == 200


def test_connect_from_the_console_to_the_deauthorization_callback(
    clock_server: CharterServer,
) -> None:
    with (
        Receiver(failures=2) as site,
        httpx.Client(base_url=clock_server.base, trust_env=False) as developer,
        httpx.Client(base_url=clock_server.base, trust_env=False) as customer,
    ):
        # The developer signs up and creates a Connect app in the console.
        assert sign_up(developer, "dev@blaster.example").status_code == 303
        developer_sid, developer_token = account_of(developer)
        app_sid = create_app(
            developer,
            AuthorizeRedirectUrl=f"{site.url}/connected",
            DeauthorizeCallbackUrl=f"{site.url}/deauthorized",
            DeauthorizeCallbackMethod="POST",
        )
        # The customer follows the Connect button, signs up, and approves.
        consent = f"/authorize/{app_sid}?state=opaque-42"
        assert customer.get(consent).status_code == 200
        assert sign_up(customer, "owner@customer.example", next_path=consent).status_code == 303
        page = customer.get(consent)
        customer_sid, customer_token = account_of(customer)
        approved = customer.post(
            f"/authorize/{app_sid}",
            data={"csrf_token": csrf_of(page.text), "state": "opaque-42", "decision": "allow"},
        )
        assert approved.status_code == 303
        location = urlsplit(approved.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == f"{site.url}/connected"
        query = dict(parse_qsl(location.query))
        assert query["state"] == "opaque-42"
        subaccount = query["AccountSid"]

        # The app, through the unmodified library, with the AccountSid and its own auth token.
        app = local_client(clock_server.base, subaccount, developer_token)
        owner = local_client(clock_server.base, customer_sid, customer_token)
        listed = {a.sid for a in app.api.v2010.accounts.list()}
        assert {customer_sid, subaccount} <= listed
        before = Decimal(owner.api.v2010.accounts(customer_sid).balance.fetch().balance)
        number = app.api.v2010.accounts(subaccount).incoming_phone_numbers.create(area_code="415")
        message = app.api.v2010.accounts(subaccount).messages.create(
            from_=number.phone_number, to="+14155550123", body="Hello from Blaster"
        )
        assert message.account_sid == subaccount
        after = Decimal(owner.api.v2010.accounts(customer_sid).balance.fetch().balance)
        assert after < before  # the number and the message were billed to the customer
        with pytest.raises(TwilioRestException) as foreign:
            app.api.v2010.accounts(developer_sid).fetch()
        assert foreign.value.status == 404

        # The customer revokes in the console; the app is refused at once.
        listing = customer.get("/console/authorized-apps")
        revoked = customer.post(
            f"/console/authorized-apps/{app_sid}/revoke",
            data={"csrf_token": csrf_of(listing.text)},
        )
        assert revoked.status_code == 303
        with pytest.raises(TwilioRestException) as refused:
            app.api.v2010.accounts(customer_sid).fetch()
        assert refused.value.status == 401

        # The callback: refused twice by the developer's server, retried on the server's clock
        # until delivered, each attempt signed with the developer's auth token.
        site.wait_for(1)
        for attempt in (2, 3):
            time.sleep(0.5)
            _advance(clock_server, 3600)  # beyond any backoff step
            site.wait_for(attempt)
        received = site.received
        assert [r.status for r in received] == [503, 503, 200]
        validator = RequestValidator(developer_token)
        for request in received:
            assert request.method == "POST"
            assert request.params == {"AccountSid": subaccount, "ConnectAppSid": app_sid}
            signature = request.headers["X-Twilio-Signature"]
            assert validator.validate(request.url, request.params, signature)
        tokens = {r.headers["I-Twilio-Idempotency-Token"] for r in received}
        assert len(tokens) == 1  # one event, retried
