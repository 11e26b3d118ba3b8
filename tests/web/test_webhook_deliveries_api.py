"""Status callbacks delivered by the worker (through a mock transport), and the delivery log API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from charter.domain.clock import FixedClock
from charter.domain.models import Account
from charter.settings import Settings
from charter.web.app import create_app
from tests.factories import make_account, make_subaccount, runtime
from tests.webhooks.helpers import Recorder

HOOK = "https://hooks.example.com/sms?app=1"


@pytest.fixture
def receiver() -> Recorder:
    answers = iter([500, 204, 204, 204, 204])
    return Recorder(respond=lambda r: httpx.Response(next(answers)))


@pytest.fixture
def client(settings: Settings, clock: FixedClock, receiver: Recorder) -> Iterator[TestClient]:
    app = create_app(settings, clock, webhook_transport=receiver.transport)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _auth(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def _base(account: Account) -> str:
    return f"/2010-04-01/Accounts/{account.sid}"


def _send_with_callback(client: TestClient, account: Account) -> str:
    r = client.post(
        f"{_base(account)}/IncomingPhoneNumbers.json", data={"AreaCode": "415"}, auth=_auth(account)
    )
    sender = r.json()["phone_number"]
    r = client.post(
        f"{_base(account)}/Messages.json",
        data={"From": sender, "To": "+14155550100", "Body": "hi", "StatusCallback": HOOK},
        auth=_auth(account),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["sid"])


def _work(client: TestClient) -> int:
    assert client.portal is not None
    return int(client.portal.call(runtime(client).webhook_worker.run_once))


def _deliveries(client: TestClient, account: Account, **params: Any) -> dict[str, Any]:
    r = client.get(f"{_base(account)}/WebhookDeliveries.json", params=params, auth=_auth(account))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_status_callbacks_are_delivered_signed_retried_and_logged(
    client: TestClient, clock: FixedClock, receiver: Recorder
) -> None:
    account = make_account(client)
    message_sid = _send_with_callback(client, account)
    assert _work(client) == 0  # nothing has happened yet
    assert _deliveries(client, account)["webhook_deliveries"] == []
    clock.advance(1)  # sending
    assert _work(client) == 1  # the receiver answers 500
    [failed] = _deliveries(client, account)["webhook_deliveries"]
    assert failed["status"] == "pending"
    assert failed["attempt_count"] == 1
    assert failed["last_error"] == "HTTP 500"
    assert failed["next_attempt_date"] is not None
    assert failed["attempts"] == [
        {
            "attempt": 1, "url": HOOK, "method": "POST", "status_code": 500, "error": None,
            "duration_ms": failed["attempts"][0]["duration_ms"],
            "date_attempted": "Wed, 25 Nov 2026 12:00:01 +0000",
        }
    ]  # fmt: skip
    clock.advance(40)  # past the first retry, and every later status
    assert _work(client) == 3
    listed = _deliveries(client, account)["webhook_deliveries"]
    assert [d["params"]["MessageStatus"] for d in listed] == ["delivered", "sent", "sending"]
    assert {d["status"] for d in listed} == {"delivered"}
    sending = listed[-1]
    assert [a["status_code"] for a in sending["attempts"]] == [500, 204]
    assert sending["subject_sid"] == message_sid
    assert sending["kind"] == "message.status"
    assert sending["date_delivered"] == "Wed, 25 Nov 2026 12:00:41 +0000"
    assert sending["uri"] == f"{_base(account)}/WebhookDeliveries/{sending['sid']}.json"

    validator = RequestValidator(account.auth_token)
    for request in receiver.requests:
        params = dict(parse_qsl(request.content.decode()))
        assert params["MessageSid"] == message_sid
        assert validator.validate(str(request.url), params, request.headers["X-Twilio-Signature"])
    tokens = [r.headers["I-Twilio-Idempotency-Token"] for r in receiver.requests]
    assert tokens[0] == tokens[1] == sending["sid"]
    assert len(set(tokens)) == 3

    fetched = client.get(sending["uri"], auth=_auth(account))
    assert fetched.status_code == 200
    assert fetched.json() == sending


def test_the_log_pages_newest_first(client: TestClient, clock: FixedClock) -> None:
    account = make_account(client)
    _send_with_callback(client, account)
    clock.advance(5)
    first = _deliveries(client, account, PageSize=2)
    assert len(first["webhook_deliveries"]) == 2
    assert first["next_page_uri"] is not None
    second = client.get(first["next_page_uri"], auth=_auth(account)).json()
    assert len(second["webhook_deliveries"]) == 1
    assert second["next_page_uri"] is None
    statuses = [
        d["params"]["MessageStatus"]
        for d in first["webhook_deliveries"] + second["webhook_deliveries"]
    ]
    assert statuses == ["delivered", "sent", "sending"]


def test_another_accounts_deliveries_are_not_found(client: TestClient, clock: FixedClock) -> None:
    owner = make_account(client, "Owner")
    stranger = make_account(client, "Stranger")
    sub = make_subaccount(client, owner)
    _send_with_callback(client, owner)
    clock.advance(5)
    [delivery, *_] = _deliveries(client, owner)["webhook_deliveries"]
    assert _deliveries(client, sub)["webhook_deliveries"] == []
    r = client.get(
        f"{_base(stranger)}/WebhookDeliveries/{delivery['sid']}.json", auth=_auth(stranger)
    )
    assert r.status_code == 404
    assert r.json()["code"] == 20404
    r = client.get(f"{_base(stranger)}/WebhookDeliveries.json", auth=_auth(stranger)).json()[
        "webhook_deliveries"
    ]
    assert r == []
    r2 = client.get(f"{_base(owner)}/WebhookDeliveries.json", auth=_auth(stranger))
    assert r2.status_code == 404


def test_a_future_event_cannot_be_fetched_before_its_moment(
    client: TestClient, clock: FixedClock
) -> None:
    account = make_account(client)
    _send_with_callback(client, account)
    clock.advance(5)
    newest = _deliveries(client, account)["webhook_deliveries"][0]
    assert client.get(newest["uri"], auth=_auth(account)).status_code == 200
    unknown = f"{_base(account)}/WebhookDeliveries/EV{'0' * 32}.json"
    assert client.get(unknown, auth=_auth(account)).status_code == 404
    bad = f"{_base(account)}/WebhookDeliveries/XX{'0' * 32}.json"
    assert client.get(bad, auth=_auth(account)).status_code == 400


def test_restricted_keys_need_the_permission(client: TestClient) -> None:
    account = make_account(client)

    def key(policy: list[str]) -> tuple[str, str]:
        r = client.post(
            "/v1/Keys",
            data={"AccountSid": account.sid, "KeyType": "restricted",
                  "Policy": json.dumps({"allow": policy})},
            auth=_auth(account),
        )  # fmt: skip
        assert r.status_code == 201, r.text
        return (r.json()["sid"], r.json()["secret"])

    url = f"{_base(account)}/WebhookDeliveries.json"
    allowed = key(["/twilio/monitor/webhook-deliveries/list"])
    refused = key(["/twilio/monitor/events/list"])
    assert client.get(url, auth=allowed).status_code == 200
    r = client.get(url, auth=refused)
    assert (r.status_code, r.json()["code"]) == (401, 70051)
