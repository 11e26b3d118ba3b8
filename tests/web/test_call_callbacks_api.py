"""Call status callbacks: queued in the outbox for the moments the requested events happen."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from tests.web.voice import HOOK, TO, outbox, place, setup_account, update_call


def test_status_callbacks_are_queued_for_each_requested_event(client: TestClient) -> None:
    account, number = setup_account(client)
    sid = place(
        client, account, number, StatusCallback=HOOK, StatusCallbackMethod="GET",
        StatusCallbackEvent=["initiated", "ringing answered", "completed"],
    )["sid"]  # fmt: skip
    rows = outbox(client, sid)
    assert [(r["kind"], r["url"], r["method"], r["account_sid"]) for r in rows] == [
        ("call.status", HOOK, "GET", account.sid)
    ] * 4
    assert [r["not_before"].strftime("%H:%M:%S") for r in rows] == [
        "12:00:00", "12:00:01", "12:00:03", "12:01:03",
    ]  # fmt: skip
    params = [json.loads(r["params"]) for r in rows]
    assert [p["CallStatus"] for p in params] == ["initiated", "ringing", "in-progress", "completed"]
    assert params[3] == {
        "AccountSid": account.sid,
        "ApiVersion": "2010-04-01",
        "CallDuration": "60",
        "CallSid": sid,
        "CallStatus": "completed",
        "Called": TO,
        "Caller": number,
        "Direction": "outbound-api",
        "From": number,
        "To": TO,
    }
    assert "CallDuration" not in params[0]


def test_only_completed_is_reported_by_default_and_nothing_without_a_callback(
    client: TestClient,
) -> None:
    account, number = setup_account(client)
    with_hook = place(client, account, number, StatusCallback=HOOK)["sid"]
    without = place(client, account, number)["sid"]
    rows = outbox(client, with_hook)
    assert [json.loads(r["params"])["CallStatus"] for r in rows] == ["completed"]
    assert rows[0]["method"] == "POST"
    assert outbox(client, without) == []


def test_an_early_end_reschedules_the_completed_callback(
    client: TestClient, clock: FixedClock
) -> None:
    account, number = setup_account(client)
    events = ["initiated", "ringing", "answered", "completed"]
    sid = place(client, account, number, StatusCallback=HOOK, StatusCallbackEvent=events)["sid"]
    clock.advance(10)
    update_call(client, account, sid, Status="completed")
    rows = outbox(client, sid)
    statuses = [
        (json.loads(r["params"])["CallStatus"], r["not_before"].strftime("%S")) for r in rows
    ]
    assert statuses == [
        ("initiated", "00"),
        ("ringing", "01"),
        ("in-progress", "03"),
        ("completed", "10"),
    ]
    assert json.loads(rows[-1]["params"])["CallDuration"] == "7"


def test_a_cancel_drops_future_callbacks_and_reports_canceled(
    client: TestClient, clock: FixedClock
) -> None:
    account, number = setup_account(client)
    events = ["initiated", "ringing", "answered", "completed"]
    sid = place(client, account, number, StatusCallback=HOOK, StatusCallbackEvent=events)["sid"]
    clock.advance(2)
    update_call(client, account, sid, Status="canceled")
    rows = outbox(client, sid)
    params = [json.loads(r["params"]) for r in rows]
    assert [p["CallStatus"] for p in params] == ["initiated", "ringing", "canceled"]
    assert rows[-1]["not_before"].strftime("%S") == "02"
    assert params[-1]["CallDuration"] == "0"
