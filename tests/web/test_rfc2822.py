"""The fast RFC 2822 formatter agrees with the standard library's on every kind of date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from charter.web.twilio import rfc2822


@pytest.mark.parametrize("step", range(0, 10**9, 7_654_321))
def test_rfc2822_matches_the_standard_library(step: int) -> None:
    value = datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC) + timedelta(seconds=step)
    assert rfc2822(value) == format_datetime(value.replace(microsecond=0))


def test_rfc2822_converts_to_utc() -> None:
    value = datetime(2026, 11, 25, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert rfc2822(value) == "Wed, 25 Nov 2026 12:00:00 +0000"
    assert rfc2822(None) is None
