"""Webhooks end to end: a real `charter serve` on the test clock delivers a message's status
callbacks to a real local receiver, signed as Twilio signs them (checked with the twilio
library's `RequestValidator`), retried when the server's clock says, and logged attempt by
attempt; and a separate `charter worker` process does the same for a server that runs none."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import CharterServer, MainAccount, own_server
from tests.e2e.receiver import Receiver

pytestmark = pytest.mark.slow


def _server(
    tmp_path_factory: pytest.TempPathFactory, name: str, env: dict[str, str]
) -> Iterator[CharterServer]:
    with own_server(tmp_path_factory, name, env) as server:
        yield server
        assert "Traceback" not in server.log(), server.log()


@pytest.fixture(scope="module")
def hook_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CharterServer]:
    yield from _server(tmp_path_factory, "hooks", {"CHARTER_TEST_CLOCK": "1"})


@pytest.fixture(scope="module")
def workerless_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CharterServer]:
    env = {"CHARTER_TEST_CLOCK": "1", "CHARTER_WEBHOOK_WORKER": "0"}
    yield from _server(tmp_path_factory, "workerless", env)


def _advance(http: httpx.Client, seconds: float) -> None:
    response = http.post("/_charter/clock", data={"advance": str(seconds)})
    assert response.status_code == 200, response.text


def _send(http: httpx.Client, account: MainAccount, callback: str) -> str:
    base = f"/2010-04-01/Accounts/{account.sid}"
    number = http.post(f"{base}/IncomingPhoneNumbers.json", data={"AreaCode": "415"})
    assert number.status_code == 201, number.text
    form = {"From": number.json()["phone_number"], "To": "+14155550100", "Body": "hi",
            "StatusCallback": callback}  # fmt: skip
    message = http.post(f"{base}/Messages.json", data=form)
    assert message.status_code == 201, message.text
    return str(message.json()["sid"])


def _log(http: httpx.Client, account: MainAccount) -> list[dict[str, Any]]:
    r = http.get(f"/2010-04-01/Accounts/{account.sid}/WebhookDeliveries.json")
    assert r.status_code == 200, r.text
    deliveries: list[dict[str, Any]] = r.json()["webhook_deliveries"]
    return deliveries


def test_status_callbacks_arrive_signed_and_retries_follow_the_test_clock(
    hook_server: CharterServer,
) -> None:
    account = hook_server.create_main_account("Hooked")
    with Receiver(failures=2) as receiver, hook_server.http(account.auth) as http:
        callback = f"{receiver.url}/status?app=e2e"
        message_sid = _send(http, account, callback)
        _advance(http, 10)  # sending, sent and delivered have all happened
        first = receiver.wait_for(3)
        assert sorted(r.status for r in first) == [200, 503, 503]
        time.sleep(1.5)  # the two failures wait for their retry on the server's clock
        assert len(receiver.received) == 3
        pending = [d for d in _log(http, account) if d["status"] == "pending"]
        assert len(pending) == 2
        assert {d["last_error"] for d in pending} == {"HTTP 503"}

        _advance(http, 40)  # past the first retry (30 s plus at most 10 % jitter)
        received = receiver.wait_for(5)
        assert [r.status for r in received[3:]] == [200, 200]

        validator = RequestValidator(account.auth_token)
        for request in received:
            assert request.method == "POST"
            assert request.url.startswith(f"{receiver.url}/status?app=e2e")
            assert request.params["MessageSid"] == message_sid
            assert request.params["AccountSid"] == account.sid
            assert request.headers["User-Agent"].startswith("Charter-Webhooks/")
            assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
            signed = request.headers["X-Twilio-Signature"]
            assert validator.validate(request.url, request.params, signed)
            assert not RequestValidator("f" * 32).validate(request.url, request.params, signed)
        tokens = [r.headers["I-Twilio-Idempotency-Token"] for r in received]
        assert len(set(tokens)) == 3  # retries repeat their event's token
        failed = sorted(r.headers["I-Twilio-Idempotency-Token"] for r in first if r.status == 503)
        assert sorted(tokens[3:]) == failed  # the retries are the failed events, same tokens

        log = _log(http, account)
        assert [d["status"] for d in log] == ["delivered"] * 3
        assert sorted(d["params"]["MessageStatus"] for d in log) == ["delivered", "sending", "sent"]
        assert sorted(d["sid"] for d in log) == sorted(set(tokens))
        codes = sorted([a["status_code"] for a in d["attempts"]] for d in log)
        assert codes == [[200], [503, 200], [503, 200]]
        for d in log:
            assert [a["attempt"] for a in d["attempts"]] == list(range(1, d["attempt_count"] + 1))
            assert all(a["duration_ms"] >= 0 and a["date_attempted"] for a in d["attempts"])
        _advance(http, 3600)
        time.sleep(1.5)
        assert len(receiver.received) == 5  # delivered is final


def test_a_separate_charter_worker_delivers_for_a_server_without_one(
    workerless_server: CharterServer,
) -> None:
    account = workerless_server.create_main_account("Worker")
    with Receiver() as receiver, workerless_server.http(account.auth) as http:
        _send(http, account, f"{receiver.url}/hook")
        _advance(http, 10)
        time.sleep(1.5)
        assert receiver.received == []  # the server delivers nothing itself
        assert {d["status"] for d in _log(http, account)} == {"pending"}
        worker = subprocess.Popen(
            [sys.executable, "-m", "charter", "worker"],
            cwd=workerless_server.workdir,
            env=workerless_server.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            received = receiver.wait_for(3)
        finally:
            worker.terminate()
            output, _ = worker.communicate(timeout=15)
        assert worker.returncode == 0, output
        assert "Traceback" not in output, output
        validator = RequestValidator(account.auth_token)
        assert all(
            validator.validate(r.url, r.params, r.headers["X-Twilio-Signature"]) for r in received
        )
        assert {d["status"] for d in _log(http, account)} == {"delivered"}
