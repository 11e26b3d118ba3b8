"""The test clock in memory: an offset over a base clock that only ever moves forward."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from charter.domain.clock import (
    MAX_OFFSET_SECONDS,
    FixedClock,
    SystemClock,
    TestClock,
    check_advance,
)
from charter.domain.errors import InvalidParameter

START = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def test_a_new_test_clock_tells_its_base_time() -> None:
    base = FixedClock(START)
    clock = TestClock(base)
    assert clock.now() == START
    assert clock.offset == 0.0
    base.advance(5)
    assert clock.now() == START + timedelta(seconds=5)


def test_the_default_base_is_the_system_clock() -> None:
    before = SystemClock().now()
    now = TestClock().now()
    assert before <= now <= SystemClock().now()
    assert now.tzinfo is UTC


def test_an_applied_offset_runs_the_clock_ahead() -> None:
    clock = TestClock(FixedClock(START))
    clock.apply(90.5)
    assert clock.offset == 90.5
    assert clock.now() == START + timedelta(seconds=90.5)


def test_an_older_or_repeated_offset_is_ignored() -> None:
    clock = TestClock(FixedClock(START))
    clock.apply(3600)
    clock.apply(60)
    clock.apply(3600)
    clock.apply(0)
    assert clock.now() == START + timedelta(hours=1)


@pytest.mark.parametrize("seconds", [0.0, 0.25, 1.0, 86400.0, MAX_OFFSET_SECONDS])
def test_valid_steps_pass(seconds: float) -> None:
    assert check_advance(seconds) == seconds


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (-1.0, "Advance must be a non-negative number of seconds"),
        (-0.001, "Advance must be a non-negative number of seconds"),
        (math.nan, "Advance must be a non-negative number of seconds"),
        (math.inf, "Advance must be a non-negative number of seconds"),
        (-math.inf, "Advance must be a non-negative number of seconds"),
        (MAX_OFFSET_SECONDS + 1, "Advance must be at most 3153600000 seconds"),
    ],
)
def test_invalid_steps_are_refused(seconds: float, message: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        check_advance(seconds)
    assert caught.value.message == message


def test_a_century_ahead_is_still_a_valid_datetime() -> None:
    clock = TestClock(SystemClock())
    clock.apply(MAX_OFFSET_SECONDS)
    assert clock.now().year >= 2120
