"""The SSRF guard: webhooks reach public addresses only, checked on the address actually dialled.

`check_url` refuses anything but an absolute http(s) URL with a host. `refusal` decides one
address: never a multicast, unspecified-in-production or cloud metadata address; in production
(`allow_private=False`) also no loopback, private, link-local, reserved, shared (CGNAT) or other
non-global address. IPv6 addresses that embed an IPv4 one (`::ffff:a.b.c.d` mapped, `::a.b.c.d`
compatible, 6to4, Teredo, NAT64 `64:ff9b::/96`) are judged by the IPv4 address as well.

`GuardedBackend` is an httpcore network backend: when httpx opens a connection it resolves the
host once, refuses the connection if *any* resolved address is refused, and connects to the
checked addresses themselves, so a DNS answer that changes between check and connect (DNS
rebinding) cannot reach an unchecked address. TLS still verifies the certificate against the
URL's host name (httpcore sends it as SNI). `GuardedTransport` is httpx's own transport over it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS over IPv6
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(httpcore.ConnectError):
    """Raised when a webhook's host is, or resolves to, an address the guard refuses."""


class URLRefused(ValueError):
    """Raised when a webhook URL is not an absolute http(s) URL with a host."""


def check_url(url: str) -> None:
    """Accept an absolute `http`/`https` URL with a host; raise `URLRefused` otherwise."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise URLRefused("the URL is malformed") from None
    if parts.scheme not in ("http", "https"):
        raise URLRefused("only http and https URLs are delivered")
    if not host:
        raise URLRefused("the URL has no host")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # ::a.b.c.d (deprecated "compatible")
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: str | IPAddress, allow_private: bool) -> str | None:
    """Why `address` must not be dialled, or None when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0]) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address) and (inner := _embedded_ipv4(ip)) is not None:
        reason = refusal(inner, allow_private)
        if reason is not None:
            return reason
    if ip in METADATA:
        return "a cloud metadata address"
    if ip.is_multicast:
        return "a multicast address"
    if allow_private:
        return None
    for reason, hit in (
        ("an unspecified address", ip.is_unspecified),
        ("a loopback address", ip.is_loopback),
        ("a link-local address", ip.is_link_local),
        ("a reserved address", ip.is_reserved),
        ("a private address", ip.is_private),
        ("not a public address", not ip.is_global),
    ):
        if hit:
            return reason
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (an address literal resolves to itself)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in found:
            found.append(address)
    return found


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks every address, then connects to a checked address (see module doc)."""

    def __init__(
        self,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._resolve = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await asyncio.wait_for(self._resolve(host, port), timeout)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        if not addresses:
            raise httpcore.ConnectError(f"cannot resolve {host}")
        for address in addresses:
            reason = refusal(address, self._allow_private)
            if reason is not None:
                named = host if host == address else f"{host} resolves to {address},"
                raise AddressRefused(f"refused: {named} {reason}")
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # noqa: S101 - at least one address was tried
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("refused: webhooks are not delivered over Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP transport over `GuardedBackend`: no proxies from the environment, no
    retries, HTTP/1.1, certificates verified against the URL's host."""

    def __init__(
        self,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private, resolver, inner),
        )
