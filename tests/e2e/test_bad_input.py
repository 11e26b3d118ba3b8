"""Bad requests against the real server, sent raw with httpx: each gets a Twilio error body and a
4xx status (never a 500), and a refused write changes nothing."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.e2e.conftest import AccountPool, CharterServer, MainAccount

pytestmark = pytest.mark.slow

DOCS = "https://www.twilio.com/docs/errors"
ACCOUNTS = "/2010-04-01/Accounts.json"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
LIMIT = 65536  # CHARTER_MAX_BODY_BYTES default


@dataclass(frozen=True, slots=True)
class Tenant:
    main: MainAccount
    sub_sid: str
    sub_token: str

    def account_url(self, sid: str | None = None) -> str:
        return f"/2010-04-01/Accounts/{sid or self.main.sid}.json"


@pytest.fixture(scope="module")
def tenant(charter_server: CharterServer, account_pool: AccountPool) -> Tenant:
    main = account_pool.take()
    with charter_server.http(main.auth) as http:
        r = http.post(ACCOUNTS, data={"FriendlyName": "Bad input sub"})
        assert r.status_code == 201, r.text
    tenant = Tenant(main, r.json()["sid"], r.json()["auth_token"])
    assert [a["sid"] for a in snapshot(charter_server, tenant)] == [main.sid, tenant.sub_sid]
    return tenant


@pytest.fixture
def http(server: CharterServer, tenant: Tenant) -> Iterator[httpx.Client]:
    """An httpx client that authenticates as the tenant's main account."""
    with server.http(tenant.main.auth) as client:
        yield client


@pytest.fixture
def anonymous(server: CharterServer) -> Iterator[httpx.Client]:
    with server.http() as client:
        yield client


def snapshot(server: CharterServer, tenant: Tenant) -> list[dict[str, Any]]:
    """Every account the tenant can see, with every field, read with good credentials."""
    with server.http(tenant.main.auth) as client:
        r = client.get(ACCOUNTS, params={"PageSize": 1000})
    assert r.status_code == 200, r.text
    accounts: list[dict[str, Any]] = r.json()["accounts"]
    return accounts


@pytest.fixture
def unchanged(server: CharterServer, tenant: Tenant) -> Iterator[None]:
    """Asserts after the test that the tenant's accounts are exactly as before it."""
    before = snapshot(server, tenant)
    yield
    assert snapshot(server, tenant) == before


def assert_twilio_error(r: httpx.Response, status: int, code: int | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert set(body) == {"code", "message", "more_info", "status"}
    assert body["status"] == status
    assert isinstance(body["code"], int)
    if code is not None:
        assert body["code"] == code
    assert body["more_info"] == f"{DOCS}/{body['code']}"
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode("ascii")


# --- paths and methods -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sid",
    [
        "ACnothex",
        "AC" + "g" * 32,
        "AC" + "0" * 31,
        "AC" + "0" * 33,
        "SK" + "0" * 32,
        "ac" + "0" * 32,
        "AC" + "0" * 31 + "%00",
        "AC" + "0" * 31 + "%C3%A9",
    ],
)
def test_malformed_account_sid_in_path_is_400_70002(
    http: httpx.Client, anonymous: httpx.Client, unchanged: None, sid: str
) -> None:
    url = f"/2010-04-01/Accounts/{sid}.json"
    body = assert_twilio_error(http.get(url), 400, 70002)
    assert body["message"] == "Invalid Sid provided in the request"
    assert_twilio_error(http.post(url, data={"FriendlyName": "Nope"}), 400, 70002)
    # Without credentials the request is refused before the path is looked at.
    assert_twilio_error(anonymous.get(url), 401, 20003)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/nope",
        "/2010-04-01",
        "/2010-04-01/Accounts",
        "/2010-04-01/Accounts.xml",
        "/2010-04-01/Accounts/{sid}",
        "/2010-04-01/Accounts/{sid}.json/extra",
        "/2010-04-01/Accounts/{sid}/NoSuchResource.json",
        "/2010-04-02/Accounts.json",
        "/v1/AuthTokens",
        "/v1/AuthTokens/Tertiary",
    ],
)
def test_unknown_path_is_404_20404(
    http: httpx.Client, anonymous: httpx.Client, tenant: Tenant, path: str
) -> None:
    path = path.format(sid=tenant.main.sid)
    body = assert_twilio_error(http.get(path), 404, 20404)
    assert path in body["message"]
    assert_twilio_error(http.post(path, data={"FriendlyName": "x"}), 404, 20404)
    assert_twilio_error(anonymous.get(path), 404, 20404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", ACCOUNTS, {"GET", "HEAD", "POST"}),
        ("PUT", ACCOUNTS, {"GET", "HEAD", "POST"}),
        ("PATCH", ACCOUNTS, {"GET", "HEAD", "POST"}),
        ("DELETE", "/2010-04-01/Accounts/{sid}.json", {"GET", "HEAD", "POST"}),
        ("PUT", "/2010-04-01/Accounts/{sid}.json", {"GET", "HEAD", "POST"}),
        ("GET", "/v1/AuthTokens/Secondary", {"POST", "DELETE"}),
        ("GET", "/v1/AuthTokens/Promote", {"POST"}),
        ("DELETE", "/v1/AuthTokens/Promote", {"POST"}),
    ],
)
def test_wrong_method_is_405_with_allow(
    http: httpx.Client, tenant: Tenant, unchanged: None, method: str, path: str, allowed: set[str]
) -> None:
    r = http.request(method, path.format(sid=tenant.main.sid))
    assert_twilio_error(r, 405, 20004)
    assert {m.strip() for m in r.headers["allow"].split(",")} == allowed


# --- bodies ----------------------------------------------------------------------------------


def test_body_over_the_limit_is_413_and_creates_nothing(
    http: httpx.Client, tenant: Tenant, unchanged: None
) -> None:
    big = b"FriendlyName=" + b"x" * LIMIT
    assert_twilio_error(http.post(ACCOUNTS, content=big, headers=FORM), 413)
    assert_twilio_error(http.post(tenant.account_url(), content=big, headers=FORM), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        yield b"FriendlyName="
        for _ in range(20):
            yield b"y" * 4096

    r = http.post(ACCOUNTS, content=chunks(), headers=FORM)
    assert r.request.headers.get("transfer-encoding") == "chunked"
    assert_twilio_error(r, 413)
    # A refused body never reaches the operation: no secondary token was created.
    assert_twilio_error(http.post("/v1/AuthTokens/Secondary", content=big, headers=FORM), 413)
    assert_twilio_error(http.delete("/v1/AuthTokens/Secondary"), 404, 20404)


def test_body_at_the_limit_is_read_and_validated(
    http: httpx.Client, tenant: Tenant, unchanged: None
) -> None:
    exactly = b"FriendlyName=" + b"x" * (LIMIT - len(b"FriendlyName="))
    assert len(exactly) == LIMIT
    r = http.post(tenant.account_url(), content=exactly, headers=FORM)
    assert_twilio_error(r, 400, 70001)  # read in full, then refused for the name's length


@pytest.mark.parametrize(
    "body",
    [
        b"FriendlyName=%ff",
        b"FriendlyName=%C0%AF",  # overlong encoding of "/"
        b"FriendlyName=%ED%A0%80",  # an encoded UTF-16 surrogate
        b"FriendlyName=\xff\xfe",  # raw bytes that are not UTF-8
        b"Friendly%ffName=x",
        b"FriendlyName=a%00b",
        b"FriendlyName=ok&%00=x",
    ],
)
def test_undecodable_body_is_400(
    http: httpx.Client, tenant: Tenant, unchanged: None, body: bytes
) -> None:
    assert_twilio_error(http.post(ACCOUNTS, content=body, headers=FORM), 400, 20001)
    assert_twilio_error(http.post(tenant.account_url(), content=body, headers=FORM), 400, 20001)


@pytest.mark.parametrize(
    "query",
    [
        "FriendlyName=%ff",
        "FriendlyName=%00",
        "Status=%ff",
        "PageToken=PA%00C" + "0" * 32,
        "PageToken=PAAC%00" + "0" * 31,
    ],
)
def test_undecodable_query_is_400(http: httpx.Client, query: str) -> None:
    assert_twilio_error(http.get(f"{ACCOUNTS}?{query}"), 400, 20001)


def test_too_many_parameters_is_400(http: httpx.Client, tenant: Tenant, unchanged: None) -> None:
    body = "&".join(f"P{i}=x" for i in range(1001)) + "&FriendlyName=Many"
    assert_twilio_error(http.post(tenant.account_url(), content=body, headers=FORM), 400, 20001)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=xyz",
        "application/x-www-form-urlencodedX",
        None,
    ],
)
def test_non_form_body_is_415(
    http: httpx.Client, tenant: Tenant, unchanged: None, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    body = b'{"FriendlyName": "Json"}'
    r = http.post(ACCOUNTS, content=body, headers=headers)
    if content_type is None:
        assert "content-type" not in r.request.headers
    assert_twilio_error(r, 415, 20001)
    assert_twilio_error(http.post(tenant.account_url(), content=body, headers=headers), 415)


def test_form_with_charset_parameter_is_accepted(
    server: CharterServer, main_account: MainAccount
) -> None:
    with server.http(main_account.auth) as client:
        r = client.post(
            f"/2010-04-01/Accounts/{main_account.sid}.json",
            content=b"FriendlyName=Caf%C3%A9",
            headers={"Content-Type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["friendly_name"] == "Café"
        # An empty body needs no content type at all.
        r = client.post(f"/2010-04-01/Accounts/{main_account.sid}.json")
        assert r.status_code == 200, r.text
        assert r.json()["friendly_name"] == "Café"


# --- parameter values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"PageSize": "abc"},
        {"PageSize": ""},
        {"PageSize": "0"},
        {"PageSize": "-1"},
        {"PageSize": "1001"},
        {"PageSize": "1.5"},
        {"PageSize": "99999999999999999999999"},
        {"Page": "abc"},
        {"Page": "-1"},
        {"Page": "99999999999999999999"},
        {"Page": str(2**53)},
        {"Status": "bogus"},
        {"Status": "Active"},
        {"Status": ""},
        {"PageToken": "garbage"},
        {"PageToken": "PA"},
        {"PageToken": "PAAC" + "0" * 32},  # well-formed, but no such row
        {"PageToken": "PC" + "AC" + "0" * 32},
        {"PageToken": "PA12" + "0" * 32},
        {"PageToken": "PAAC' OR '1'='1' --" + "0" * 17},
    ],
)
def test_bad_list_parameter_is_400(http: httpx.Client, params: dict[str, str]) -> None:
    assert_twilio_error(http.get(ACCOUNTS, params=params), 400, 20001)


def test_huge_page_number_is_400_even_with_a_valid_page_token(
    http: httpx.Client, tenant: Tenant
) -> None:
    token = f"PA{tenant.main.sid}"
    assert http.get(ACCOUNTS, params={"PageToken": token}).status_code == 200
    for page in ("99999999999999999999", str(2**62)):
        r = http.get(ACCOUNTS, params={"Page": page, "PageToken": token})
        assert_twilio_error(r, 400, 20001)


def test_largest_valid_page_number_is_an_empty_page(http: httpx.Client) -> None:
    page = (2**53) // 1000 - 1
    r = http.get(ACCOUNTS, params={"PageSize": "1000", "Page": str(page)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accounts"] == []
    assert body["page"] == page
    assert body["next_page_uri"] is None


@pytest.mark.parametrize(
    "data",
    [
        {"Status": "bogus"},
        {"Status": "deleted"},
        {"Status": "CLOSED"},
        {"FriendlyName": "x" * 65},
        {"FriendlyName": "tab\there"},
        {"FriendlyName": "new\nline"},
    ],
)
def test_bad_update_is_400_and_changes_nothing(
    http: httpx.Client, tenant: Tenant, unchanged: None, data: dict[str, str]
) -> None:
    for sid in (tenant.main.sid, tenant.sub_sid):
        r = http.post(tenant.account_url(sid), data=data)
        assert_twilio_error(r, 400)


def test_bad_friendly_name_on_create_creates_nothing(http: httpx.Client, unchanged: None) -> None:
    assert_twilio_error(http.post(ACCOUNTS, data={"FriendlyName": "x" * 65}), 400, 70001)
    assert_twilio_error(http.post(ACCOUNTS, data={"FriendlyName": "a\x07b"}), 400, 20001)


def test_repeated_scalar_parameter_is_400(
    http: httpx.Client, tenant: Tenant, unchanged: None
) -> None:
    twice = [("FriendlyName", "One"), ("FriendlyName", "Two")]
    body = assert_twilio_error(http.post(ACCOUNTS, content=urlencode(twice), headers=FORM), 400)
    assert body["code"] == 20001
    assert "FriendlyName" in body["message"]
    r = http.post(tenant.account_url(tenant.sub_sid), content=urlencode(twice), headers=FORM)
    assert_twilio_error(r, 400, 20001)
    same_twice = urlencode([("Status", "suspended"), ("Status", "suspended")])
    r = http.post(tenant.account_url(tenant.sub_sid), content=same_twice, headers=FORM)
    assert_twilio_error(r, 400, 20001)
    assert_twilio_error(http.get(f"{ACCOUNTS}?{urlencode(twice)}"), 400, 20001)
    assert_twilio_error(http.get(ACCOUNTS, params=[("PageSize", "1"), ("PageSize", "2")]), 400)


def test_query_parameters_do_not_count_on_a_post(
    http: httpx.Client, tenant: Tenant, unchanged: None
) -> None:
    """Twilio reads a POST's parameters from its body; a query-string Status is ignored."""
    r = http.post(f"{tenant.account_url(tenant.sub_sid)}?Status=closed")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"


# --- credentials -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Basic",
        "Basic ====",
        "Basic A",
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no-colon-here").decode(),
        basic(b":" + b"0" * 32),
        basic(b"\xff\xfe:\xff"),
        "Bearer eyJhbGciOiJub25lIn0.eyJleHAiOjk5OTk5OTk5OTl9.",
        "Digest username=x",
        "Token abc",
    ],
)
def test_garbage_authorization_is_401_with_challenge(
    anonymous: httpx.Client, tenant: Tenant, unchanged: None, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, url in (("GET", tenant.account_url()), ("POST", ACCOUNTS), ("GET", ACCOUNTS)):
        r = anonymous.request(method, url, headers=headers)
        assert_twilio_error(r, 401, 20003)
        if authorization is not None and authorization.startswith("Bearer"):  # RFC 6750 §3
            assert r.headers["www-authenticate"] == 'Bearer realm="Charter", error="invalid_token"'
        else:
            assert r.headers["www-authenticate"] == 'Basic realm="Twilio API"'


def test_wrong_secret_is_401_with_challenge(
    anonymous: httpx.Client, tenant: Tenant, unchanged: None
) -> None:
    sid = tenant.main.sid
    wrong_token = "f" * 32 if tenant.main.auth_token != "f" * 32 else "e" * 32
    for raw in (
        f"{sid}:{wrong_token}",
        f"{sid}:",
        f"{sid}:{tenant.main.auth_token.upper()}",
        f"{sid}:{tenant.sub_token}",  # another account's token
        f"Ac{sid[2:]}:{tenant.main.auth_token}",  # the SID prefix is case-sensitive
        f"{tenant.sub_sid}:{tenant.main.auth_token}",  # the parent's token, the child's SID
    ):
        r = anonymous.get(tenant.account_url(), headers={"Authorization": basic(raw.encode())})
        assert_twilio_error(r, 401, 20003)
        assert r.headers["www-authenticate"] == 'Basic realm="Twilio API"'


def test_basic_scheme_is_case_insensitive(anonymous: httpx.Client, tenant: Tenant) -> None:
    credentials = f"{tenant.main.sid}:{tenant.main.auth_token}".encode()
    token = base64.b64encode(credentials).decode()
    for scheme in ("Basic", "basic", "BASIC"):
        r = anonymous.get(tenant.account_url(), headers={"Authorization": f"{scheme} {token}"})
        assert r.status_code == 200, r.text


def test_credentials_in_query_or_body_are_not_accepted(
    anonymous: httpx.Client, http: httpx.Client, tenant: Tenant, unchanged: None
) -> None:
    creds = {"AccountSid": tenant.main.sid, "AuthToken": tenant.main.auth_token}
    r = anonymous.get(tenant.account_url(), params=creds)
    assert_twilio_error(r, 401, 20003)
    assert r.headers["www-authenticate"] == 'Basic realm="Twilio API"'
    assert_twilio_error(anonymous.get(ACCOUNTS, params=creds), 401, 20003)
    r = anonymous.post(ACCOUNTS, data={**creds, "FriendlyName": "Sneaky"})
    assert_twilio_error(r, 401, 20003)
    r = anonymous.post(tenant.account_url(tenant.sub_sid), data={**creds, "Status": "closed"})
    assert_twilio_error(r, 401, 20003)
    r = anonymous.post("/v1/AuthTokens/Secondary", data=creds)
    assert_twilio_error(r, 401, 20003)
    r = anonymous.post(
        "/v1/AuthTokens/Secondary",
        params={"Username": tenant.main.sid, "Password": tenant.main.auth_token},
    )
    assert_twilio_error(r, 401, 20003)
    # No secondary token was created along the way.
    assert_twilio_error(http.delete("/v1/AuthTokens/Secondary"), 404, 20404)


def test_subaccount_credentials_cannot_write_the_parent(
    server: CharterServer, tenant: Tenant, unchanged: None
) -> None:
    with server.http((tenant.sub_sid, tenant.sub_token)) as sub:
        assert_twilio_error(sub.post(tenant.account_url(), data={"FriendlyName": "Mine"}), 404)
        assert_twilio_error(sub.get(tenant.account_url()), 404, 20404)
        assert_twilio_error(sub.post(ACCOUNTS, data={"FriendlyName": "Grandchild"}), 400, 21101)
