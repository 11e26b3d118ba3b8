"""Twilio's PageSize, Page and PageToken validated into a `PageRequest`."""

from __future__ import annotations

import pytest

from charter.domain.errors import InvalidParameter
from charter.domain.paging import PageRequest, page_request, parse_page_token

SID = "AC" + "0123456789abcdef" * 2


@pytest.mark.parametrize(
    ("size", "page", "token", "expected"),
    [
        (None, None, None, PageRequest(size=50, page=0)),
        (1, None, None, PageRequest(size=1, page=0)),
        (1000, None, None, PageRequest(size=1000, page=0)),
        (20, 0, None, PageRequest(size=20, page=0)),
        (20, 3, None, PageRequest(size=20, page=3)),
        (None, 2, None, PageRequest(size=50, page=2)),
        (10, 1, "PA" + SID, PageRequest(10, 1, cursor_sid=SID, direction="after")),
        (10, 1, "PB" + SID, PageRequest(10, 1, cursor_sid=SID, direction="before")),
        (1, 2**53 - 1, None, PageRequest(size=1, page=2**53 - 1)),  # last JSON-safe row index
    ],
)
def test_page_request_accepts_valid_parameters(
    size: int | None, page: int | None, token: str | None, expected: PageRequest
) -> None:
    assert page_request(size, page, token) == expected


@pytest.mark.parametrize(
    ("size", "page", "token", "message"),
    [
        (0, None, None, "PageSize must be between 1 and 1000"),
        (-1, None, None, "PageSize must be between 1 and 1000"),
        (1001, None, None, "PageSize must be between 1 and 1000"),
        (None, -1, None, "Page must not be negative"),
        (1, 2**53, None, "Page is too large"),
        (1000, 2**53 // 1000, None, "Page is too large"),
        (None, None, "", "Invalid PageToken"),
        (None, None, "PA", "Invalid PageToken"),
        (None, None, "PC" + SID, "Invalid PageToken"),
        (None, None, "pa" + SID, "Invalid PageToken"),
        (None, None, "PA" + SID[:-1], "Invalid PageToken"),
        (None, None, "PA" + SID + "0", "Invalid PageToken"),
        (None, None, "PA12" + SID[2:], "Invalid PageToken"),
        (None, None, SID + "PA", "Invalid PageToken"),
    ],
)
def test_page_request_refuses_invalid_parameters(
    size: int | None, page: int | None, token: str | None, message: str
) -> None:
    with pytest.raises(InvalidParameter) as caught:
        page_request(size, page, token)
    assert caught.value.message == message
    assert (caught.value.code, caught.value.status) == (20001, 400)


def test_parse_page_token_splits_direction_and_sid() -> None:
    assert parse_page_token("PA" + SID) == ("after", SID)
    assert parse_page_token("PB" + SID) == ("before", SID)


def test_offset_counts_whole_pages() -> None:
    assert PageRequest(size=25, page=0).offset == 0
    assert PageRequest(size=25, page=3).offset == 75
