"""Throttling failed credential checks per client address and per account, on a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from charter.domain.clock import FixedClock
from charter.domain.throttle import AuthThrottle, ThrottleLimits

ACCOUNT = "AC" + "0" * 32
OTHER_ACCOUNT = "AC" + "1" * 32
DAY = 24 * 60 * 60


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def throttle(clock: FixedClock) -> AuthThrottle:
    return AuthThrottle(ThrottleLimits(per_source=3, per_account=5, window_seconds=60), clock)


def fail(throttle: AuthThrottle, source: str, account: str = ACCOUNT, times: int = 1) -> None:
    for _ in range(times):
        throttle.failed(source, account)


def attack(throttle: AuthThrottle, sources: int = 5) -> None:
    """One failure from each of `sources` addresses: enough for the account limit, not the
    per-source one."""
    for n in range(sources):
        fail(throttle, f"10.0.0.{n}")


def test_a_fresh_throttle_lets_everyone_try(throttle: AuthThrottle) -> None:
    assert throttle.retry_after("192.0.2.1", ACCOUNT) is None


def test_failures_below_the_per_source_limit_are_let_through(throttle: AuthThrottle) -> None:
    fail(throttle, "192.0.2.1", times=2)
    assert throttle.retry_after("192.0.2.1", ACCOUNT) is None


def test_a_source_at_its_limit_waits_until_its_oldest_failure_leaves_the_window(
    throttle: AuthThrottle, clock: FixedClock
) -> None:
    fail(throttle, "192.0.2.1")
    clock.advance(10)
    fail(throttle, "192.0.2.1", times=2)
    assert throttle.retry_after("192.0.2.1", ACCOUNT) == 51
    assert throttle.retry_after("192.0.2.1", OTHER_ACCOUNT) == 51
    clock.advance(30)
    assert throttle.retry_after("192.0.2.1", ACCOUNT) == 21


def test_window_expiry_frees_a_throttled_source(throttle: AuthThrottle, clock: FixedClock) -> None:
    fail(throttle, "192.0.2.1", times=3)
    clock.advance(59)
    assert throttle.retry_after("192.0.2.1", ACCOUNT) == 2
    clock.advance(1)
    assert throttle.retry_after("192.0.2.1", ACCOUNT) is None


def test_another_source_is_not_throttled_by_one_sources_failures(throttle: AuthThrottle) -> None:
    fail(throttle, "192.0.2.1", times=3)
    assert throttle.retry_after("192.0.2.2", ACCOUNT) is None


def test_an_attacked_account_refuses_unknown_sources(throttle: AuthThrottle) -> None:
    attack(throttle)
    wait = throttle.retry_after("198.51.100.7", ACCOUNT)
    assert wait == 61
    assert throttle.retry_after("198.51.100.7", OTHER_ACCOUNT) is None


def test_an_attacked_account_still_admits_a_source_that_recently_succeeded(
    throttle: AuthThrottle, clock: FixedClock
) -> None:
    throttle.succeeded("203.0.113.5", ACCOUNT)
    clock.advance(3600)
    attack(throttle)
    assert throttle.retry_after("203.0.113.5", ACCOUNT) is None
    assert throttle.retry_after("198.51.100.7", ACCOUNT) is not None


def test_success_on_another_account_does_not_make_a_source_known_good(
    throttle: AuthThrottle,
) -> None:
    throttle.succeeded("203.0.113.5", OTHER_ACCOUNT)
    attack(throttle)
    assert throttle.retry_after("203.0.113.5", ACCOUNT) is not None


def test_known_good_sources_are_forgotten_after_a_day(
    throttle: AuthThrottle, clock: FixedClock
) -> None:
    throttle.succeeded("203.0.113.5", ACCOUNT)
    clock.advance(DAY)
    attack(throttle)
    assert throttle.retry_after("203.0.113.5", ACCOUNT) is None
    clock.advance(1)
    assert throttle.retry_after("203.0.113.5", ACCOUNT) == 60


def test_a_known_good_source_is_still_held_to_its_own_limit(throttle: AuthThrottle) -> None:
    throttle.succeeded("203.0.113.5", ACCOUNT)
    fail(throttle, "203.0.113.5", times=3)
    assert throttle.retry_after("203.0.113.5", ACCOUNT) == 61


def test_an_account_attack_ends_with_the_window(throttle: AuthThrottle, clock: FixedClock) -> None:
    attack(throttle)
    clock.advance(60)
    assert throttle.retry_after("198.51.100.7", ACCOUNT) is None
