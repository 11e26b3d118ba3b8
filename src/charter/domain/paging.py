"""Cursor paging shared by every list: a request for one page and the page that answers it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from charter.domain.errors import InvalidParameter

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_ROW_INDEX = 2**53 - 1  # JSON-safe, and far inside the 64-bit range SQL offsets allow


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page: `size` rows after (`direction` "after") or before a cursor row's SID.

    With no cursor, `page` counts pages of `size` from the start (Twilio's informational `Page`).
    """

    size: int = DEFAULT_PAGE_SIZE
    page: int = 0
    cursor_sid: str | None = None
    direction: str = "after"

    @property
    def offset(self) -> int:
        return self.page * self.size


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of rows and whether there are rows on either side of it."""

    items: Sequence[T]
    has_next: bool
    has_previous: bool


def parse_page_token(token: str) -> tuple[str, str]:
    """(`direction`, SID) from a `PA<sid>` (rows after) or `PB<sid>` (rows before) token."""
    if len(token) == 36 and token[:2] in ("PA", "PB") and token[2:4].isalpha():
        return ("after" if token[:2] == "PA" else "before"), token[2:]
    raise InvalidParameter("Invalid PageToken")


def page_request(page_size: int | None, page: int | None, token: str | None) -> PageRequest:
    """Validate Twilio's `PageSize`, `Page` and `PageToken` into a `PageRequest`."""
    size = DEFAULT_PAGE_SIZE if page_size is None else page_size
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidParameter(f"PageSize must be between 1 and {MAX_PAGE_SIZE}")
    number = page or 0
    if number < 0:
        raise InvalidParameter("Page must not be negative")
    if (number + 1) * size - 1 > MAX_ROW_INDEX:
        raise InvalidParameter("Page is too large")
    if token is None:
        return PageRequest(size=size, page=number)
    direction, sid = parse_page_token(token)
    return PageRequest(size=size, page=number, cursor_sid=sid, direction=direction)
