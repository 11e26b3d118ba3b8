"""Twilio's wire format, handled here and nowhere else.

Request side: form and query parameters (PascalCase, repeated keys for lists, strict UTF-8, size and
count limits) validated into a Pydantic model. Response side: RFC 2822 dates, the 2010 list
envelope (`page`, `page_size`, `start`, `end`, `uri`, `*_page_uri` and one resource key) and the v1
`meta` envelope.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, get_args, get_origin
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request

from charter.domain.errors import InvalidParameter, RequestTooLarge, UnsupportedMediaType
from charter.domain.paging import Page, PageRequest, page_request

MAX_FIELDS = 1000
FORM = "application/x-www-form-urlencoded"

P = TypeVar("P", bound=BaseModel)


class Params(BaseModel):
    """Base of every parameter model: PascalCase aliases, unknown parameters ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=False)


class PagingParams(Params):
    PageSize: int | None = None
    Page: int | None = None
    PageToken: str | None = None

    def page_request(self) -> PageRequest:
        return page_request(self.PageSize, self.Page, self.PageToken)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc2822(value: datetime | None) -> str | None:
    """`Wed, 25 Nov 2026 12:00:00 +0000` (what `email.utils.format_datetime` gives, 20× faster)."""
    if value is None:
        return None
    v = value if value.tzinfo is UTC else value.astimezone(UTC)
    return (
        f"{_DAYS[v.weekday()]}, {v.day:02d} {_MONTHS[v.month]} {v.year:04d} "
        f"{v.hour:02d}:{v.minute:02d}:{v.second:02d} +0000"
    )


def iso8601(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


_ISO8601 = re.compile(
    r"\d{4}-\d{2}-\d{2}(?P<time>T\d{2}:\d{2}:\d{2}(?P<fraction>\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?)?\Z"
)


def parse_iso8601(name: str, value: str) -> tuple[datetime, timedelta]:
    """The UTC instant of an ISO 8601 parameter (`2015-08-25` or `2015-08-25T20:38:17Z`; no
    offset means UTC) and the span it names (a day, a second or a microsecond), or a 400."""
    match = _ISO8601.match(value)
    try:
        if match is None:
            raise ValueError(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidParameter(
            f"{name} must be an ISO 8601 date or date-time, e.g. 2015-08-25T20:38:17Z"
        ) from None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if match["time"] is None:
        return parsed, timedelta(days=1)
    return parsed, timedelta(microseconds=1) if match["fraction"] else timedelta(seconds=1)


def decode_pairs(raw: bytes | str) -> list[tuple[str, str]]:
    """Strictly decode an urlencoded string: UTF-8 without NUL, at most `MAX_FIELDS` fields."""
    if not raw:
        return []  # most requests: no query string at all
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise InvalidParameter("The request parameters are not valid UTF-8") from exc
    except ValueError as exc:
        raise InvalidParameter(f"Too many parameters (at most {MAX_FIELDS})") from exc
    # PostgreSQL text cannot hold NUL, so one reaching a query would be a server error.
    if any("\x00" in key or "\x00" in value for key, value in pairs):
        raise InvalidParameter("The request parameters must not contain NUL characters")
    return pairs


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than `limit` bytes before reading them all."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise RequestTooLarge(f"The request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def form_pairs(request: Request, limit: int) -> list[tuple[str, str]]:
    body = await read_body(request, limit)
    if not body:
        return []
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != FORM:
        raise UnsupportedMediaType(f"Request bodies must be {FORM}")
    return decode_pairs(body)


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) in (list, Sequence):
        return True
    return any(_is_list(arg) for arg in get_args(annotation))


def validate_params(model: type[P], pairs: Iterable[tuple[str, str]]) -> P:
    """`pairs` validated into `model`; a repeated scalar parameter or a bad value is a 400."""
    fields = {(f.alias or name): f for name, f in model.model_fields.items()}
    data: dict[str, Any] = {}
    for key, value in pairs:
        field = fields.get(key)
        if field is None:
            continue
        if _is_list(field.annotation):
            data.setdefault(key, []).append(value)
        elif key in data:
            raise InvalidParameter(f"Parameter {key} was given more than once")
        else:
            data[key] = value
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "request"
        raise InvalidParameter(f"Invalid parameter {where}: {first['msg']}") from None


def _query(filters: Sequence[tuple[str, str]], **paging: object) -> str:
    pairs = list(filters) + [(k, str(v)) for k, v in paging.items() if v is not None]
    return urlencode(pairs)


def _sid(item: Any) -> str:
    return str(item["sid"])


def page_links(
    items: list[Any],
    page: Page[Any],
    request: PageRequest,
    base: str,
    filters: Sequence[tuple[str, str]],
    cursor: bool = True,
) -> tuple[str, str, str | None, str | None]:
    """(this, first, next, previous) page links; next/previous carry `PA`/`PB` cursor tokens,
    or only `Page` numbers for rows without SIDs (`cursor=False`)."""
    size, number = request.size, request.page
    next_link = prev_link = None
    if page.has_next and items:
        token = ("PA" + _sid(items[-1])) if cursor else None
        next_link = f"{base}?{_query(filters, PageSize=size, Page=number + 1, PageToken=token)}"
    if page.has_previous and items and number > 0:
        token = ("PB" + _sid(items[0])) if cursor else None
        prev_link = f"{base}?{_query(filters, PageSize=size, Page=number - 1, PageToken=token)}"
    this = f"{base}?{_query(filters, PageSize=size, Page=number)}"
    first = f"{base}?{_query(filters, PageSize=size, Page=0)}"
    return this, first, next_link, prev_link


def list_envelope(
    key: str,
    items: list[Any],
    page: Page[Any],
    request: PageRequest,
    path: str,
    filters: Sequence[tuple[str, str]],
    cursor: bool = True,
) -> dict[str, Any]:
    """Twilio's 2010 list envelope around `items`, the serialised rows of `page`."""
    this, first, next_uri, prev_uri = page_links(items, page, request, path, filters, cursor)
    start = request.page * request.size
    return {
        key: items,
        "page": request.page,
        "page_size": request.size,
        "start": start,
        "end": start + max(len(items) - 1, 0),
        "uri": this,
        "first_page_uri": first,
        "next_page_uri": next_uri,
        "previous_page_uri": prev_uri,
    }


def meta_envelope(
    key: str,
    items: list[Any],
    page: Page[Any],
    request: PageRequest,
    url: str,
    filters: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """The v1 envelope: `{key: items, meta: {page, page_size, key, url, *_page_url}}`."""
    this, first, next_url, prev_url = page_links(items, page, request, url, filters)
    return {
        key: items,
        "meta": {
            "page": request.page,
            "page_size": request.size,
            "key": key,
            "url": this,
            "first_page_url": first,
            "previous_page_url": prev_url,
            "next_page_url": next_url,
        },
    }
