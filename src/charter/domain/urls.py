"""Checks on user-supplied URLs that Charter sends people or requests to (Connect apps' logo,
homepage, terms, authorize and deauthorize URLs).

Only the URL's text is checked here: the scheme, and a host that is a literal address or an
obvious local name. In production: https only, and no loopback, private, link-local, unspecified,
multicast or reserved address (`localhost`, `*.localhost`, `*.local`, `*.internal` included).
In development plain http and loopback are allowed so that people can test on their machine;
the other address classes are still refused. The webhook worker checks every address a name
resolves to again when it connects.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from charter.domain.errors import InvalidParameter

MAX_URL = 2048
_LOCAL_NAMES = ("localhost", "localhost.localdomain")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback_host(host: str) -> bool:
    """`localhost` (and names under it) or a loopback address."""
    host = host.lower().rstrip(".")
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    address = _address(host)
    return address is not None and address.is_loopback


def is_local_host(host: str) -> bool:
    """A host no public callback may name: a local name, or a loopback, private, link-local,
    unspecified, multicast or reserved address."""
    host = host.lower().rstrip(".")
    if is_loopback_host(host) or host.endswith(_LOCAL_SUFFIXES):
        return True
    address = _address(host)
    if address is None:
        return False
    return (
        address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or not address.is_global
    )


def check_url(field: str, value: str | None, *, production: bool) -> str | None:
    """`value` if it is an acceptable absolute URL (see the module docstring); None for an empty
    value; `InvalidParameter` naming `field` otherwise."""
    if value is None or value == "":
        return None
    if len(value) > MAX_URL or any(c.isspace() or ord(c) < 0x20 for c in value):
        raise InvalidParameter(f"{field} must be a URL of at most {MAX_URL} characters")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise InvalidParameter(f"{field} must be an absolute http(s) URL") from None
    schemes = ("https",) if production else ("http", "https")
    if parts.scheme not in schemes or not host:
        raise InvalidParameter(f"{field} must be an absolute {' or '.join(schemes)} URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidParameter(f"{field} must not carry credentials")
    if is_local_host(host) and (production or not is_loopback_host(host)):
        raise InvalidParameter(f"{field} must name a public host, not {host}")
    return value
