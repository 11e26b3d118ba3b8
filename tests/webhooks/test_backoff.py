"""The retry schedule: 30 s doubling to an hourly cap, 0–10 % jitter, given up after 3 days."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from charter.webhooks.backoff import GIVE_UP_AFTER, Backoff, base_delay
from tests.webhooks.helpers import AT


def test_the_schedule_doubles_from_30_seconds_to_an_hour() -> None:
    minutes = [base_delay(n).total_seconds() / 60 for n in range(1, 11)]
    assert minutes == [0.5, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert base_delay(10_000) == timedelta(hours=1)


@pytest.mark.parametrize("attempt", [1, 2, 5, 8, 50])
def test_jitter_stretches_each_delay_by_at_most_ten_percent(attempt: int) -> None:
    backoff = Backoff(random.Random(attempt))
    delays = [backoff.delay(attempt) for _ in range(200)]
    assert all(base_delay(attempt) <= d <= base_delay(attempt) * 1.1 for d in delays)
    assert len(set(delays)) > 100  # spread, not lockstep


def test_retries_continue_for_about_three_days_then_stop() -> None:
    backoff = Backoff(random.Random(7))
    now, attempt = AT, 1
    while (retry := backoff.retry_at(attempt, AT, now)) is not None:
        assert retry > now
        now, attempt = retry, attempt + 1
    assert GIVE_UP_AFTER - timedelta(hours=1.1) <= now - AT <= GIVE_UP_AFTER
    assert 70 <= attempt <= 80


def test_the_schedule_follows_the_clock_it_is_given() -> None:
    backoff = Backoff(random.Random(1))
    later = AT + timedelta(days=1)
    retry = backoff.retry_at(1, AT, later)
    assert retry is not None
    assert timedelta(seconds=30) <= retry - later <= timedelta(seconds=33)
