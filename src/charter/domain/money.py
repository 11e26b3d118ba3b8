"""Exact money: decimal amounts held as whole units of 1/100,000 of a currency unit.

Twilio quotes prices to five decimal places (`"-0.00750"`); keeping integers of that unit makes
every sum exact and lets the database check a balance with one atomic integer comparison.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from charter.domain.errors import InvalidParameter

SCALE = 100_000
_QUANTUM = Decimal("0.00001")


def to_units(amount: Decimal | str) -> int:
    """`amount` in units; raises `InvalidParameter` for anything that is not a finite decimal with
    at most five decimal places."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidParameter(f"{amount!r} is not an amount") from None
    if not value.is_finite():
        raise InvalidParameter(f"{amount!r} is not an amount")
    if value.quantize(_QUANTUM, rounding=ROUND_HALF_UP) != value:
        raise InvalidParameter(f"{amount!r} has more than five decimal places")
    return int(value * SCALE)


def from_units(units: int) -> Decimal:
    return (Decimal(units) / SCALE).quantize(_QUANTUM)


def format_units(units: int, places: int = 5) -> str:
    """`units` as a decimal string with `places` decimals (Twilio: prices 5, balances 2)."""
    value = from_units(units)
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
