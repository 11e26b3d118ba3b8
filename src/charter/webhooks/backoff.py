"""The retry schedule: exponential backoff with jitter, for about three days.

After failed attempt *n* the next one is due `min(30 s × 2^(n−1), 1 h)` later, stretched by a
random 0–10 % so that many events failing together do not retry in lockstep: 30 s, 1 min, 2 min,
4 min, 8 min, 16 min, 32 min, then hourly. An event whose next attempt would fall more than
`GIVE_UP_AFTER` (3 days) after it first came due is given up instead (about 77 attempts).
Times are on the server's clock, so the test clock moves retries forward too.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
JITTER = 0.10
GIVE_UP_AFTER = timedelta(days=3)


def base_delay(attempt: int) -> timedelta:
    """The delay after failed attempt `attempt` (from 1), before jitter."""
    if attempt >= 8:  # 30 s × 2^7 is already past the cap; avoid huge powers
        return MAX_DELAY
    delay: timedelta = FIRST_DELAY * 2 ** (attempt - 1)
    return min(delay, MAX_DELAY)


class Backoff:
    """Decides when a failed event is tried again, or that it never will be."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret

    def delay(self, attempt: int) -> timedelta:
        """`base_delay(attempt)` stretched by up to `JITTER`."""
        return base_delay(attempt) * (1 + self._rng.uniform(0, JITTER))

    def retry_at(self, attempt: int, first_due: datetime, now: datetime) -> datetime | None:
        """When to try again after failed attempt `attempt`, or None to give up."""
        at = now + self.delay(attempt)
        return at if at - first_due <= GIVE_UP_AFTER else None
