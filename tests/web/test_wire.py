"""Twilio's wire format (`charter.web.twilio`) and Basic credentials (`routing.parse_basic`)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest

from charter.domain.errors import AuthenticationRequired, InvalidParameter
from charter.domain.paging import Page, PageRequest
from charter.web.routing import parse_basic
from charter.web.twilio import (
    MAX_FIELDS,
    PagingParams,
    Params,
    decode_pairs,
    iso8601,
    list_envelope,
    meta_envelope,
    rfc2822,
    validate_params,
)

SIDS = ["AC" + f"{n:032x}" for n in range(1, 5)]
BASE = "/2010-04-01/Accounts.json"


class ExampleParams(Params):
    FriendlyName: str | None = None
    PageSize: int | None = None
    Permissions: list[str] | None = None


@pytest.mark.parametrize(
    ("raw", "pairs"),
    [
        (b"", []),
        (b"A=1&B=2", [("A", "1"), ("B", "2")]),
        (b"A=1&A=2", [("A", "1"), ("A", "2")]),
        (b"Empty=&Plus=a+b", [("Empty", ""), ("Plus", "a b")]),
        (b"Name=Caf%C3%A9", [("Name", "Café")]),
        ("Name=Café", [("Name", "Café")]),
        ("Name=%E2%98%8E", [("Name", "☎")]),
    ],
)
def test_decode_pairs_reads_urlencoded_text(raw: bytes | str, pairs: list[tuple[str, str]]) -> None:
    assert decode_pairs(raw) == pairs


@pytest.mark.parametrize("raw", [b"Name=%FF", b"Name=%C3", b"Name=\xff", b"%80=x", b"A=%ED%A0%80"])
def test_decode_pairs_refuses_invalid_utf8(raw: bytes) -> None:
    with pytest.raises(InvalidParameter, match="not valid UTF-8"):
        decode_pairs(raw)


@pytest.mark.parametrize("raw", [b"Name=a%00b", b"%00=x", "Name=\x00"])
def test_decode_pairs_refuses_nul_characters(raw: bytes | str) -> None:
    with pytest.raises(InvalidParameter, match="must not contain NUL characters"):
        decode_pairs(raw)


def test_decode_pairs_accepts_up_to_the_field_limit_and_refuses_more() -> None:
    at_limit = "&".join(f"F{n}=x" for n in range(MAX_FIELDS))
    assert len(decode_pairs(at_limit)) == MAX_FIELDS
    with pytest.raises(InvalidParameter, match=f"Too many parameters \\(at most {MAX_FIELDS}\\)"):
        decode_pairs(at_limit + "&One=more")


def test_validate_params_reads_known_parameters_and_ignores_unknown_ones() -> None:
    params = validate_params(
        ExampleParams, [("FriendlyName", "Acme"), ("PageSize", "20"), ("Unknown", "x")]
    )
    assert params == ExampleParams(FriendlyName="Acme", PageSize=20)


def test_validate_params_collects_repeats_of_a_list_parameter() -> None:
    pairs = [("Permissions", "/a"), ("FriendlyName", "x"), ("Permissions", "/b")]
    assert validate_params(ExampleParams, pairs).Permissions == ["/a", "/b"]


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("FriendlyName", "a"), ("FriendlyName", "b")], "Parameter FriendlyName was given more"),
        ([("FriendlyName", "a"), ("FriendlyName", "a")], "Parameter FriendlyName was given more"),
        ([("PageSize", "ten")], "Invalid parameter PageSize: "),
        ([("PageSize", "1.5")], "Invalid parameter PageSize: "),
    ],
)
def test_validate_params_refuses_repeated_scalars_and_bad_values(
    pairs: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(InvalidParameter) as caught:
        validate_params(ExampleParams, pairs)
    assert caught.value.message.startswith(message)
    assert caught.value.code == 20001


def test_paging_params_become_a_page_request() -> None:
    params = validate_params(PagingParams, [("PageSize", "2"), ("Page", "1")])
    assert params.page_request() == PageRequest(size=2, page=1)
    with pytest.raises(InvalidParameter, match="PageSize must be between 1 and 1000"):
        validate_params(PagingParams, [("PageSize", "0")]).page_request()


def test_dates_use_rfc_2822_in_the_2010_api_and_iso_8601_in_v1() -> None:
    noon = datetime(2026, 11, 25, 12, 0, 5, tzinfo=UTC)
    assert rfc2822(noon) == "Wed, 25 Nov 2026 12:00:05 +0000"
    assert iso8601(noon) == "2026-11-25T12:00:05Z"
    assert rfc2822(datetime(2027, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=2)))) == (
        "Thu, 31 Dec 2026 23:00:00 +0000"
    )
    assert rfc2822(None) is None
    assert iso8601(None) is None


def query(uri: str | None) -> list[tuple[str, str]]:
    assert uri is not None
    return parse_qsl(urlsplit(uri).query)


def test_list_envelope_has_twilios_keys_and_cursor_links() -> None:
    items = [{"sid": SIDS[1]}, {"sid": SIDS[2]}]
    body = list_envelope(
        "accounts",
        items,
        Page(items, has_next=True, has_previous=True),
        PageRequest(size=2, page=1),
        BASE,
        [("FriendlyName", "A b")],
    )
    assert body == {
        "accounts": items,
        "page": 1,
        "page_size": 2,
        "start": 2,
        "end": 3,
        "uri": f"{BASE}?FriendlyName=A+b&PageSize=2&Page=1",
        "first_page_uri": f"{BASE}?FriendlyName=A+b&PageSize=2&Page=0",
        "next_page_uri": f"{BASE}?FriendlyName=A+b&PageSize=2&Page=2&PageToken=PA{SIDS[2]}",
        "previous_page_uri": f"{BASE}?FriendlyName=A+b&PageSize=2&Page=0&PageToken=PB{SIDS[1]}",
    }


def test_list_envelope_of_a_single_or_empty_page_has_no_neighbours() -> None:
    empty = list_envelope("accounts", [], Page([], False, False), PageRequest(), BASE, [])
    assert (empty["start"], empty["end"]) == (0, 0)
    assert empty["next_page_uri"] is None
    assert empty["previous_page_uri"] is None
    assert query(empty["uri"]) == [("PageSize", "50"), ("Page", "0")]
    items = [{"sid": SIDS[0]}]
    first = list_envelope("accounts", items, Page(items, False, True), PageRequest(), BASE, [])
    assert first["previous_page_uri"] is None


def test_meta_envelope_has_the_v1_keys_and_links() -> None:
    url = "https://iam.example/v1/Keys"
    items = [{"sid": SIDS[0]}, {"sid": SIDS[3]}]
    body = meta_envelope(
        "keys", items, Page(items, True, False), PageRequest(size=2), url, [("AccountSid", SIDS[0])]
    )
    assert set(body) == {"keys", "meta"}
    assert body["keys"] == items
    meta = body["meta"]
    assert set(meta) == {
        "page",
        "page_size",
        "key",
        "url",
        "first_page_url",
        "previous_page_url",
        "next_page_url",
    }
    assert (meta["page"], meta["page_size"], meta["key"]) == (0, 2, "keys")
    assert meta["url"] == meta["first_page_url"] == f"{url}?AccountSid={SIDS[0]}&PageSize=2&Page=0"
    assert meta["previous_page_url"] is None
    assert query(meta["next_page_url"]) == [
        ("AccountSid", SIDS[0]),
        ("PageSize", "2"),
        ("Page", "1"),
        ("PageToken", f"PA{SIDS[3]}"),
    ]


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("header", "credentials"),
    [
        (basic(b"AC1:token"), ("AC1", "token")),
        (basic(b"user:pa:ss"), ("user", "pa:ss")),
        (basic(b"user:"), ("user", "")),
        (basic("usér:pässword".encode()), ("usér", "pässword")),
        ("basic " + base64.b64encode(b"u:p").decode(), ("u", "p")),
        ("BASIC " + base64.b64encode(b"u:p").decode() + "  ", ("u", "p")),
    ],
)
def test_parse_basic_reads_username_and_password(header: str, credentials: tuple[str, str]) -> None:
    assert parse_basic(header) == credentials


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Basic",
        "Basic ",
        "Bearer " + base64.b64encode(b"u:p").decode(),
        "Digest username=u",
        "BasicdTpw",
        "Basic dTpw!",  # not base64
        "Basic dTp",  # bad padding
        "Basic dT pw",  # embedded space
        basic(b"no-colon"),
        basic(b":password-only"),
        basic(b""),
        basic(b"\xff\xfe:password"),  # not UTF-8
    ],
)
def test_parse_basic_refuses_malformed_headers(header: str | None) -> None:
    with pytest.raises(AuthenticationRequired) as caught:
        parse_basic(header)
    assert (caught.value.code, caught.value.status, caught.value.message) == (
        20003,
        401,
        "Authenticate",
    )
