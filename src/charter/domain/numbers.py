"""Phone numbers, simulated: E.164 checks, deterministic available numbers, number types.

Nothing here talks to a carrier. Available numbers are generated from a fixed sequence per
country, type and area code, so the same search always returns the same numbers (less those
already bought); any well-formed number of a supported country that nobody owns can be bought.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from charter.domain.errors import InvalidParameter

E164 = re.compile(r"\+[1-9][0-9]{6,14}\Z")
TOLL_FREE_NANP = ("800", "833", "844", "855", "866", "877", "888")


@dataclass(frozen=True, slots=True)
class Place:
    locality: str
    region: str
    postal_code: str
    latitude: str
    longitude: str
    rate_center: str
    lata: str


# A few real area codes with their places, so search results look like Twilio's.
US_AREAS: dict[str, Place] = {
    "415": Place("San Francisco", "CA", "94105", "37.774900", "-122.419400", "SNFC CNTRL", "722"),
    "212": Place("New York", "NY", "10001", "40.712800", "-74.006000", "NWYRCYZN01", "132"),
    "312": Place("Chicago", "IL", "60601", "41.878100", "-87.629800", "CHICAGOZN", "358"),
    "617": Place("Boston", "MA", "02108", "42.360100", "-71.058900", "BOSTON", "128"),
    "808": Place("Hilo", "HI", "96720", "19.720000", "-155.090000", "HILO", "834"),
    "206": Place("Seattle", "WA", "98101", "47.606200", "-122.332100", "SEATTLE", "674"),
    "512": Place("Austin", "TX", "78701", "30.267200", "-97.743100", "AUSTIN", "558"),
}
CA_AREAS: dict[str, Place] = {
    "416": Place("Toronto", "ON", "M5H", "43.653200", "-79.383200", "TORONTO", "888"),
    "604": Place("Vancouver", "BC", "V6B", "49.282700", "-123.120700", "VANCOUVER", "888"),
}
COUNTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    # ISO: (country name, number types offered)
    "US": ("United States", ("Local", "TollFree")),
    "CA": ("Canada", ("Local", "TollFree")),
    "GB": ("United Kingdom", ("Local", "Mobile", "TollFree")),
}

_LETTERS = {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO", "7": "PQRS", "8": "TUV",
            "9": "WXYZ"}  # fmt: skip
_KEYPAD = {c: d for d, letters in _LETTERS.items() for c in letters}


@dataclass(frozen=True, slots=True)
class AvailableNumber:
    phone_number: str
    iso_country: str
    number_type: str  # local | mobile | tollfree
    place: Place | None


def check_e164(value: str, name: str = "PhoneNumber") -> str:
    if not E164.match(value):
        raise InvalidParameter(f"{name} {value!r} is not a valid E.164 phone number")
    return value


def country_of(number: str) -> str | None:
    if number.startswith("+1") and len(number) == 12:
        return "CA" if number[2:5] in CA_AREAS else "US"
    if number.startswith("+44") and 12 <= len(number) <= 13:
        return "GB"
    return None


def number_type(number: str) -> str:
    if number.startswith("+1") and number[2:5] in TOLL_FREE_NANP:
        return "tollfree"
    if number.startswith("+44"):
        if number[3:6] in ("800", "808"):
            return "tollfree"
        if number[3] == "7":
            return "mobile"
    return "local"


def formatted(number: str) -> str:
    """`(415) 867-5309` for North American numbers, the E.164 string otherwise."""
    if number.startswith("+1") and len(number) == 12:
        return f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    return number


def contains_pattern(contains: str) -> re.Pattern[str]:
    """Twilio's `Contains`: digits, letters (keypad) and `*` for any one digit."""
    if not 1 <= len(contains) <= 16 or not re.fullmatch(r"[0-9A-Za-z*+]+", contains):
        raise InvalidParameter("Contains must be digits, letters or * (at most 16)")
    digits = "".join(_KEYPAD.get(c.upper(), c) for c in contains.lstrip("+"))
    return re.compile(digits.replace("*", "[0-9]"))


def _nanp(area: str, i: int) -> str:
    exchange = 200 + (i * 37) % 800
    line = (i * 7919 + int(area)) % 10000
    return f"+1{area}{exchange:03d}{line:04d}"


def candidates(iso: str, kind: str, area_code: str | None) -> Iterator[AvailableNumber]:
    """The fixed, endless-enough sequence of numbers offered for a country and type."""
    if iso not in COUNTRIES or kind not in COUNTRIES[iso][1]:
        raise InvalidParameter(f"No {kind} numbers are offered in {iso}")
    if iso in ("US", "CA"):
        areas = US_AREAS if iso == "US" else CA_AREAS
        if kind == "TollFree":
            codes: tuple[str, ...] = TOLL_FREE_NANP
        elif area_code is not None:
            if not re.fullmatch(r"[2-9][0-9]{2}", area_code) or area_code in TOLL_FREE_NANP:
                raise InvalidParameter("AreaCode must be a three-digit area code")
            codes = (area_code,)
        else:
            codes = tuple(areas)
        for i in range(1, 2000):
            for code in codes:
                number = _nanp(code, i)
                yield AvailableNumber(number, iso, number_type(number), areas.get(code))
        return
    prefix = {"Local": "+44204", "Mobile": "+447700", "TollFree": "+44800"}[kind]
    width = 13 - len(prefix)
    for i in range(1, 20000):
        number = f"{prefix}{(i * 7919) % 10**width:0{width}d}"
        yield AvailableNumber(number, iso, number_type(number), None)


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """An IncomingPhoneNumber (`PN…`): a number an account has bought."""

    sid: str
    account_sid: str
    phone_number: str
    friendly_name: str
    iso_country: str
    number_type: str
    config: dict[str, str | None]  # VoiceUrl, SmsUrl, StatusCallback and the rest, snake_case
    date_created: datetime
    date_updated: datetime


CONFIG_FIELDS = (
    "voice_url", "voice_method", "voice_fallback_url", "voice_fallback_method",
    "voice_application_sid", "voice_caller_id_lookup", "voice_receive_mode",
    "sms_url", "sms_method", "sms_fallback_url", "sms_fallback_method", "sms_application_sid",
    "status_callback", "status_callback_method", "address_sid", "bundle_sid", "identity_sid",
    "trunk_sid", "emergency_status", "emergency_address_sid",
)  # fmt: skip
