"""The simulated call: validation, timeline, durations, prices and callback times."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from charter.domain import voice
from charter.domain.billing import PriceList
from charter.domain.errors import InvalidParameter
from charter.domain.voice import Call, CallError, Instructions, Recording

T0 = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
URL = "https://example.com/twiml"


def _call(planned: int = 60, **changes: object) -> Call:
    call = Call(
        sid="CA" + "0" * 32,
        account_sid="AC" + "0" * 32,
        to="+14155550100",
        from_="+14155550199",
        phone_number_sid="PN" + "0" * 32,
        status="queued",
        planned_duration=planned,
        ended_at=T0 + timedelta(seconds=3 + planned),
        price_units=1400,
        instructions=Instructions(url=URL),
        status_callback=None,
        record=False,
        date_created=T0,
        date_updated=T0,
    )
    return dataclasses.replace(call, **changes)  # type: ignore[arg-type]


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("seconds", "status"),
    [
        (0, "queued"),
        (0.999, "queued"),
        (1, "ringing"),
        (2.999, "ringing"),
        (3, "in-progress"),
        (62.999, "in-progress"),
        (63, "completed"),
        (3600, "completed"),
    ],
)
def test_status_moves_with_the_clock(seconds: float, status: str) -> None:
    assert voice.status_at(_call(), _at(seconds)) == status


def test_start_end_and_duration_appear_when_reached() -> None:
    call = _call(planned=20)
    assert voice.start_time(call, _at(2)) is None
    assert voice.start_time(call, _at(3)) == _at(3)
    assert voice.end_time(call, _at(22)) is None
    assert voice.duration(call, _at(22)) is None
    assert voice.end_time(call, _at(23)) == _at(23)
    assert voice.duration(call, _at(23)) == 20


def test_an_early_end_and_a_cancel_are_final() -> None:
    ended = _call(status="completed", ended_at=_at(10))
    assert voice.status_at(ended, _at(10)) == "completed"
    assert voice.duration(ended, _at(100)) == 7
    canceled = _call(status="canceled", ended_at=None)
    assert voice.status_at(canceled, _at(1000)) == "canceled"
    assert voice.start_time(canceled, _at(1000)) is None
    assert voice.duration(canceled, _at(1000)) is None


@pytest.mark.parametrize(
    ("time_limit", "planned"), [(None, 60), (1, 1), (30, 30), (60, 60), (600, 60)]
)
def test_planned_duration_is_60_seconds_or_a_smaller_time_limit(
    time_limit: int | None, planned: int
) -> None:
    assert voice.planned_duration(time_limit) == planned


@pytest.mark.parametrize("time_limit", [0, -5])
def test_time_limit_must_be_positive(time_limit: int) -> None:
    with pytest.raises(InvalidParameter):
        voice.planned_duration(time_limit)


@pytest.mark.parametrize(("seconds", "billed"), [(0, 0), (1, 1), (59, 1), (60, 1), (61, 2)])
def test_calls_are_priced_per_started_minute(seconds: int, billed: int) -> None:
    prices = PriceList()
    assert voice.price(seconds, prices.call_minute) == billed * 1400
    assert voice.price(seconds, prices.recording_minute) == billed * 250


@pytest.mark.parametrize(
    ("to", "from_", "url", "twiml", "app", "code"),
    [
        ("", "+14155550199", URL, None, None, 21201),
        ("+14155550100", "", URL, None, None, 21213),
        ("+14155550100", "+14155550199", None, None, None, 21205),
        ("+14155550100", "+14155550199", URL, "<Response/>", None, 20001),
        ("+14155550100", "+14155550199", "ftp://example.com/x", None, None, 21205),
        ("+14155550100", "+14155550199", None, None, "AP123", 21218),
        ("4155550100", "+14155550199", URL, None, None, 21211),
        ("+15005550001", "+14155550199", URL, None, None, 21211),
        ("+14155550100", "client:alice", URL, None, None, 21212),
    ],
)
def test_check_call_refuses_as_twilio_does(
    to: str, from_: str, url: str | None, twiml: str | None, app: str | None, code: int
) -> None:
    with pytest.raises(InvalidParameter) as info:
        voice.check_call(to, from_, url, twiml, app)
    assert info.value.code == code
    assert isinstance(info.value, CallError) == (code != 20001)


@pytest.mark.parametrize(
    ("url", "twiml", "app"),
    [(URL, None, None), (None, "<Response><Say>Hi</Say></Response>", None),
     (None, None, "AP" + "a" * 32)],
)  # fmt: skip
def test_check_call_accepts_exactly_one_instruction(
    url: str | None, twiml: str | None, app: str | None
) -> None:
    voice.check_call("+14155550100", "+14155550199", url, twiml, app)


def test_callback_events_default_to_completed_and_keep_twilios_order() -> None:
    assert voice.check_events([]) == ("completed",)
    assert voice.check_events(["completed", "initiated ringing"]) == (
        "initiated",
        "ringing",
        "completed",
    )
    with pytest.raises(InvalidParameter):
        voice.check_events(["hangup"])


def test_callback_times_follow_the_timeline() -> None:
    events = ("initiated", "ringing", "answered", "completed")
    call = _call(planned=30, instructions=Instructions(url=URL, status_callback_events=events))
    assert voice.callback_times(call) == [
        ("initiated", _at(0), "initiated"),
        ("ringing", _at(1), "ringing"),
        ("answered", _at(3), "in-progress"),
        ("completed", _at(33), "completed"),
    ]


def test_methods_and_statuses_are_checked() -> None:
    assert voice.check_method(None, "Method") == "POST"
    assert voice.check_method("get", "Method") == "GET"
    with pytest.raises(InvalidParameter):
        voice.check_method("PUT", "Method")
    assert voice.check_status("no-answer") == "no-answer"
    with pytest.raises(InvalidParameter):
        voice.check_status("hungup")


def test_a_recording_is_in_progress_until_its_length_has_passed() -> None:
    recording = Recording(
        sid="RE" + "0" * 32,
        account_sid="AC" + "0" * 32,
        call_sid="CA" + "0" * 32,
        planned_duration=60,
        price_units=250,
        deleted=False,
        date_created=_at(3),
        date_updated=_at(3),
    )
    assert voice.recording_status(recording, _at(62)) == "in-progress"
    assert voice.recording_status(recording, _at(63)) == "completed"
    assert voice.recording_status(dataclasses.replace(recording, deleted=True), _at(63)) == (
        "deleted"
    )
