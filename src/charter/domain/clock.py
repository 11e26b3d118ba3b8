"""Time, injected: every domain rule takes "now" from a `Clock`, never from the system directly."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Protocol

from charter.domain.errors import InvalidParameter


class Clock(Protocol):
    """Where "now" comes from."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC, whole seconds or finer."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to (unit tests)."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)


MAX_OFFSET_SECONDS = 100 * 365 * 86400.0
"""How far the test clock may ever run ahead: a century, far inside `datetime`'s range."""


class TestClock:
    """The system clock (or `base`) run ahead by an offset that only grows.

    Development and tests only (`CHARTER_TEST_CLOCK=1`). The offset's truth is kept in the
    database so every instance agrees; this object holds the latest value it has been told of
    and applies it, so `now()` costs one addition.
    """

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return self._base.now() + self._offset

    @property
    def offset(self) -> float:
        """Seconds this clock runs ahead of its base."""
        return self._offset.total_seconds()

    def apply(self, seconds: float) -> None:
        """Adopt `seconds` as the offset if it is ahead of the one held.

        Offsets only grow, so a change heard twice, late or out of order is harmless.
        """
        offset = timedelta(seconds=seconds)
        if offset > self._offset:
            self._offset = offset


def check_advance(seconds: float) -> float:
    """`seconds` if it is a valid test-clock step: finite, not negative, at most a century.

    Raises `InvalidParameter` otherwise.
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidParameter("Advance must be a non-negative number of seconds")
    if seconds > MAX_OFFSET_SECONDS:
        raise InvalidParameter(f"Advance must be at most {MAX_OFFSET_SECONDS:.0f} seconds")
    return seconds
