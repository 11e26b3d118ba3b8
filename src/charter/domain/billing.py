"""Billing: the price list, ledger entries, and usage records derived from the ledger.

The ledger is append-only. Every charge names the resource it pays for, the main account billed
(subaccount usage is billed to the main account), the subaccount that used it and the actor (the
credential: auth token, key, later an app or an authorization). A charge and its resource are
written in one transaction, and the balance is checked and lowered by one atomic conditional
update, so no race lets a balance go below zero or creates an unpaid resource.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime

from charter.domain.errors import InvalidParameter
from charter.domain.ids import AccountSid
from charter.domain.models import AccountType
from charter.domain.money import to_units


@dataclass(frozen=True, slots=True)
class PriceList:
    """Prices in units (1/100,000 USD); CHARTER_PRICE_LIST overrides them (JSON)."""

    sms_segment: int = to_units("0.00790")
    mms_message: int = to_units("0.02000")
    call_minute: int = to_units("0.01400")
    recording_minute: int = to_units("0.00250")
    local_number_month: int = to_units("1.15000")
    mobile_number_month: int = to_units("1.15000")
    toll_free_number_month: int = to_units("2.15000")
    full_starting_balance: int = to_units("20.00000")
    trial_credit: int = to_units("15.50000")

    @classmethod
    def from_json(cls, raw: str) -> PriceList:
        """Defaults overridden by a JSON object of decimal strings: `{"sms_segment": "0.01"}`."""
        try:
            document = json.loads(raw)
        except ValueError:
            raise InvalidParameter("CHARTER_PRICE_LIST must be a JSON object") from None
        if not isinstance(document, dict):
            raise InvalidParameter("CHARTER_PRICE_LIST must be a JSON object")
        names = {f.name for f in fields(cls)}
        unknown = set(document) - names
        if unknown:
            raise InvalidParameter(f"unknown prices: {', '.join(sorted(unknown))}")
        values = {k: to_units(str(v)) for k, v in document.items()}
        if any(v < 0 for v in values.values()):
            raise InvalidParameter("prices must not be negative")
        return cls(**values)

    def starting_balance(self, account_type: AccountType) -> int:
        return self.full_starting_balance if account_type is AccountType.FULL else self.trial_credit

    def number_month(self, number_type: str) -> int:
        return {
            "local": self.local_number_month,
            "mobile": self.mobile_number_month,
            "tollfree": self.toll_free_number_month,
        }[number_type]


def minutes(seconds: int) -> int:
    """Billable minutes: every started minute counts."""
    return max(0, math.ceil(seconds / 60))


CATEGORIES: Mapping[str, tuple[str, str]] = {
    # category: (description, usage unit)
    "sms": ("SMS", "segments"),
    "mms": ("MMS", "messages"),
    "calls": ("Voice Minutes", "minutes"),
    "recordings": ("Voice Recordings", "minutes"),
    "phonenumbers": ("Phone Numbers", "phonenumbers"),
    "credits": ("Credits", "usd"),
    "totalprice": ("Total Price", "usd"),
}


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One line of the ledger: a charge (positive `units`) or a credit (negative `units`)."""

    account_sid: AccountSid  # the main account billed
    subaccount_sid: AccountSid  # the account that used it (== account_sid for main accounts)
    category: str
    units: int
    quantity: int
    resource_sid: str | None
    actor: str
    description: str
    date_created: datetime


@dataclass(frozen=True, slots=True)
class UsageRecord:
    account_sid: str
    category: str
    count: int
    usage: int
    units: int
    start_date: date
    end_date: date


def usage_records(
    entries: Iterable[LedgerEntry],
    account_sid: str,
    start: date,
    end: date,
    category: str | None,
) -> list[UsageRecord]:
    """One record per category (and `totalprice`) for entries dated within [start, end]."""
    sums: dict[str, list[int]] = {c: [0, 0, 0] for c in CATEGORIES if c != "credits"}
    for e in entries:
        if e.category == "credits" or not start <= e.date_created.date() <= end:
            continue
        for key in (e.category, "totalprice"):
            if key not in sums:
                continue
            if e.units > 0:  # a charge; refunds (negative) only lower the price
                sums[key][0] += 1
                sums[key][1] += e.units if key == "totalprice" else e.quantity
            sums[key][2] += e.units
    return [
        UsageRecord(account_sid, c, count, usage, units, start, end)
        for c, (count, usage, units) in sums.items()
        if category is None or c == category
    ]
