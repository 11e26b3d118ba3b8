"""SIDs: two upper-case letters, then 32 lower-case hex digits."""

from __future__ import annotations

import re

import pytest

from charter.domain.errors import InvalidSid
from charter.domain.ids import PREFIXES, is_sid, new_sid, parse_account_sid, parse_sid

HEX = "0123456789abcdef" * 2


@pytest.mark.parametrize("prefix", sorted(PREFIXES))
def test_new_sid_is_the_prefix_then_32_lower_case_hex_digits(prefix: str) -> None:
    sid = new_sid(prefix)
    assert re.fullmatch(rf"{prefix}[0-9a-f]{{32}}", sid), sid
    assert is_sid(sid, prefix)
    assert parse_sid(sid, prefix) == sid


def test_new_sid_is_random() -> None:
    assert len({new_sid("AC") for _ in range(100)}) == 100


@pytest.mark.parametrize("prefix", ["XX", "ac", "A", "ACC", ""])
def test_new_sid_refuses_an_unregistered_prefix(prefix: str) -> None:
    with pytest.raises(ValueError, match="unregistered SID prefix"):
        new_sid(prefix)


@pytest.mark.parametrize(
    ("value", "prefix"),
    [
        ("AC" + HEX[:31], "AC"),  # too short
        ("AC" + HEX + "0", "AC"),  # too long
        ("AC" + HEX + "\n", "AC"),  # trailing newline
        ("", "AC"),
        ("AC", "AC"),
        ("US" + HEX, "AC"),  # another resource's prefix
        ("ac" + HEX, "AC"),  # lower-case prefix
        ("AC" + HEX[:31] + "g", "AC"),  # not hex
        ("AC" + HEX[:31] + "-", "AC"),
        ("AC" + HEX[:31] + " ", "AC"),
        ("AC" + HEX[:31] + "٣", "AC"),  # a non-ASCII digit
    ],
)
def test_malformed_sids_are_refused(value: str, prefix: str) -> None:
    assert not is_sid(value, prefix)
    with pytest.raises(InvalidSid) as caught:
        parse_sid(value, prefix)
    assert (caught.value.code, caught.value.status) == (70002, 400)
    assert caught.value.message == "Invalid Sid provided in the request"


def test_upper_case_hex_is_tolerated_and_normalised_to_lower_case() -> None:
    upper = "AC" + HEX.upper()
    assert is_sid(upper, "AC")
    assert parse_sid(upper, "AC") == "AC" + HEX
    assert parse_account_sid("AC" + HEX[:16].upper() + HEX[16:]) == "AC" + HEX


def test_parse_account_sid_refuses_other_resources() -> None:
    with pytest.raises(InvalidSid):
        parse_account_sid("US" + HEX)
