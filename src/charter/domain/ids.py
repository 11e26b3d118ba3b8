"""SIDs: two upper-case letters naming the resource, then 32 lower-case hex digits."""

from __future__ import annotations

import re
import uuid
from typing import NewType

from charter.domain.errors import InvalidSid

AccountSid = NewType("AccountSid", str)
UserSid = NewType("UserSid", str)

PREFIXES: dict[str, str] = {
    "AC": "Account",
    "US": "User",
    "SK": "API key",
    "CN": "Connect app",
    "AZ": "Connect authorization",
    "OQ": "OAuth app",
    "CA": "Call",
    "SM": "Message",
    "MM": "Message",
    "PN": "Phone number",
    "RE": "Recording",
    "EV": "Webhook event",
    "AE": "Audit event",
    "OS": "OAuth app secret",
}

_SHAPE = re.compile(r"[A-Z]{2}[0-9a-f]{32}\Z")


def new_sid(prefix: str) -> str:
    """A fresh random SID with the registered `prefix`."""
    if prefix not in PREFIXES:
        raise ValueError(f"unregistered SID prefix {prefix!r}")
    return prefix + uuid.uuid4().hex


def is_sid(value: str, prefix: str) -> bool:
    """True when `value` is shaped like a SID of `prefix` (case of the hex part is tolerated)."""
    return (
        len(value) == 34
        and value[:2] == prefix
        and _SHAPE.match(value[:2] + value[2:].lower()) is not None
    )


def parse_sid(value: str, prefix: str) -> str:
    """`value` normalised to lower-case hex, or `InvalidSid`."""
    if not is_sid(value, prefix):
        raise InvalidSid("Invalid Sid provided in the request")
    return value[:2] + value[2:].lower()


def parse_account_sid(value: str) -> AccountSid:
    return AccountSid(parse_sid(value, "AC"))
