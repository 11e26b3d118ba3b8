"""The SSRF guard: which addresses are refused, and that the dialled address is the checked one."""

from __future__ import annotations

from collections.abc import Iterable

import httpcore
import httpx
import pytest

from charter.webhooks.guard import (
    AddressRefused,
    GuardedBackend,
    GuardedTransport,
    URLRefused,
    check_url,
    refusal,
)

pytestmark = pytest.mark.anyio

PUBLIC = ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "2001:4860:4860::8888"]
PRIVATE = {
    "127.0.0.1": "a loopback address",
    "127.8.9.10": "a loopback address",
    "::1": "a loopback address",
    "10.1.2.3": "a private address",
    "172.16.0.1": "a private address",
    "192.168.1.1": "a private address",
    "fd12:3456::1": "a private address",
    "169.254.1.1": "a link-local address",
    "fe80::1": "a link-local address",
    "fe80::1%eth0": "a link-local address",
    "0.0.0.0": "an unspecified address",  # noqa: S104 - an address under test, not a bind
    "::": "an unspecified address",
    "100.64.0.1": "not a public address",  # shared address space (CGNAT)
    "240.0.0.1": "a reserved address",
    "192.0.2.1": "a private address",  # documentation
    # IPv6 spellings of IPv4 addresses are judged by the IPv4 address
    "::ffff:127.0.0.1": "a loopback address",
    "::ffff:10.0.0.1": "a private address",
    "::ffff:7f00:1": "a loopback address",
    "::127.0.0.1": "a loopback address",
    "64:ff9b::7f00:1": "a loopback address",
    "64:ff9b::a00:1": "a private address",
    "2002:7f00:1::": "a loopback address",
    "2002:a9fe:a9fe::": "a cloud metadata address",
}
ALWAYS = {
    "169.254.169.254": "a cloud metadata address",
    "::ffff:169.254.169.254": "a cloud metadata address",
    "fd00:ec2::254": "a cloud metadata address",
    "100.100.100.200": "a cloud metadata address",
    "224.0.0.1": "a multicast address",
    "ff02::1": "a multicast address",
}


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(address, allow_private=False) is None


@pytest.mark.parametrize(("address", "reason"), list(PRIVATE.items()))
def test_non_public_addresses_are_refused_in_production(address: str, reason: str) -> None:
    assert refusal(address, allow_private=False) == reason


@pytest.mark.parametrize("address", list(PRIVATE))
def test_development_may_reach_private_and_loopback_addresses(address: str) -> None:
    if address == "2002:a9fe:a9fe::":
        assert refusal(address, allow_private=True) == "a cloud metadata address"
    else:
        assert refusal(address, allow_private=True) is None


@pytest.mark.parametrize(("address", "reason"), list(ALWAYS.items()))
@pytest.mark.parametrize("allow_private", [False, True])
def test_metadata_and_multicast_are_always_refused(
    address: str, reason: str, allow_private: bool
) -> None:
    assert refusal(address, allow_private) == reason


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/x", "file:///etc/passwd", "gopher://x/", "https:///nohost", "//x/y",
     "http://example.com:99999/", "javascript:alert(1)"],
)  # fmt: skip
def test_only_absolute_http_urls_pass(url: str) -> None:
    with pytest.raises(URLRefused):
        check_url(url)


def test_http_and_https_urls_pass() -> None:
    check_url("http://example.com/x")
    check_url("https://example.com:8443/x?y=1")


class Dialler(httpcore.AsyncNetworkBackend):
    """Records what is dialled; every connection answers one HTTP 204."""

    def __init__(self) -> None:
        self.dialled: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.dialled.append((host, port))
        return httpcore.AsyncMockStream([b"HTTP/1.1 204 No Content\r\n\r\n"])


class Rebinding:
    """A resolver whose answer changes on every lookup (the DNS rebinding attack)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


async def _get(transport: httpx.AsyncBaseTransport, url: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=transport) as client:
        return await client.get(url)


async def test_the_checked_address_is_the_one_dialled() -> None:
    dialler = Dialler()
    resolver = Rebinding(["93.184.215.14"], ["127.0.0.1"])
    transport = GuardedTransport(False, resolver, dialler)
    response = await _get(transport, "http://hooks.example.com:8080/x")
    assert response.status_code == 204
    assert dialler.dialled == [("93.184.215.14", 8080)]
    assert resolver.lookups == ["hooks.example.com"]


async def test_one_private_address_among_the_answers_refuses_the_host() -> None:
    dialler = Dialler()
    backend = GuardedBackend(False, Rebinding(["93.184.215.14", "10.0.0.7"]), dialler)
    with pytest.raises(AddressRefused, match=r"hooks.example.com resolves to 10.0.0.7, a private"):
        await backend.connect_tcp("hooks.example.com", 443)
    assert dialler.dialled == []


async def test_a_refusal_reaches_httpx_as_a_connect_error_that_names_it() -> None:
    dialler = Dialler()
    transport = GuardedTransport(False, Rebinding(["127.0.0.1"]), dialler)
    with pytest.raises(httpx.ConnectError, match=r"^refused: 127.0.0.1 a loopback address"):
        await _get(transport, "http://127.0.0.1:9/")
    assert dialler.dialled == []


async def test_development_dials_loopback() -> None:
    dialler = Dialler()
    transport = GuardedTransport(True, Rebinding(["127.0.0.1"]), dialler)
    assert (await _get(transport, "http://localhost:9000/")).status_code == 204
    assert dialler.dialled == [("127.0.0.1", 9000)]


async def test_metadata_is_refused_even_in_development() -> None:
    transport = GuardedTransport(True, Rebinding(["169.254.169.254"]), Dialler())
    with pytest.raises(httpx.ConnectError, match="cloud metadata"):
        await _get(transport, "http://metadata.internal/latest/meta-data/")


async def test_unresolvable_hosts_fail_as_connect_errors() -> None:
    async def nowhere(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    transport = GuardedTransport(False, nowhere, Dialler())
    with pytest.raises(httpx.ConnectError, match="cannot resolve nowhere.invalid"):
        await _get(transport, "https://nowhere.invalid/")
