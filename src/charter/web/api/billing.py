"""Balance and Usage Records, 2010 API; both derived from the ledger.

`Usage/Records.json` and its subresources (`AllTime`, `Daily`, `Monthly`, `Yearly`, `Today`,
`Yesterday`, `ThisMonth`, `LastMonth`) report one record per category per period.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from typing_extensions import TypedDict

from charter.domain.billing import CATEGORIES, UsageRecord
from charter.domain.errors import InvalidParameter
from charter.domain.money import format_units
from charter.domain.paging import Page
from charter.domain.permissions import BALANCE, USAGE
from charter.web.routing import Call, Operation
from charter.web.twilio import PagingParams, list_envelope

BASE = "/2010-04-01/Accounts/{AccountSid}"
SUBRESOURCES = ("AllTime", "Daily", "Monthly", "Yearly", "Today", "Yesterday", "ThisMonth",
                "LastMonth")  # fmt: skip
_SNAKE = {s: re.sub(r"(?<!^)([A-Z])", r"_\1", s).lower() for s in SUBRESOURCES}


class BalanceJSON(TypedDict):
    account_sid: str
    balance: str
    currency: str


class UsageRecordJSON(TypedDict):
    account_sid: str
    api_version: str
    as_of: str
    category: str
    count: str
    count_unit: str
    description: str
    start_date: str
    end_date: str
    price: str
    price_unit: str
    usage: str
    usage_unit: str
    uri: str
    subresource_uris: dict[str, str]


class UsageParams(PagingParams):
    Category: str | None = None
    StartDate: str | None = None
    EndDate: str | None = None
    IncludeSubaccounts: bool = True


async def fetch_balance(call: Call) -> BalanceJSON:
    units = await call.runtime.billing.balance(call.target)
    return {"account_sid": call.target.sid, "balance": format_units(units), "currency": "USD"}


def parse_day(value: str, today: date, name: str) -> date:
    """`YYYY-MM-DD`, or Twilio's relative `-30days` / `+1days`."""
    relative = re.fullmatch(r"([+-])(\d{1,4})days", value)
    if relative:
        days = int(relative.group(2))
        return today - timedelta(days=days) if relative.group(1) == "-" else today + timedelta(days)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameter(f"{name} must be YYYY-MM-DD or like -30days") from None


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def periods(sub: str | None, start: date, end: date, today: date) -> list[tuple[date, date]]:
    """The [start, end] periods a subresource reports, oldest first."""
    if sub == "Today":
        return [(today, today)]
    if sub == "Yesterday":
        return [(today - timedelta(days=1),) * 2]
    if sub == "ThisMonth":
        return [(_month_start(today), today)]
    if sub == "LastMonth":
        last = _month_start(today) - timedelta(days=1)
        return [(_month_start(last), last)]
    if sub == "Daily":
        return [(start + timedelta(d),) * 2 for d in range((end - start).days + 1)]
    if sub in ("Monthly", "Yearly"):
        spans, cursor = (
            [],
            _month_start(start) if sub == "Monthly" else start.replace(month=1, day=1),
        )
        while cursor <= end:
            nxt = _next_month(cursor) if sub == "Monthly" else cursor.replace(year=cursor.year + 1)
            spans.append((max(cursor, start), min(nxt - timedelta(days=1), end)))
            cursor = nxt
        return spans
    return [(start, end)]


def record_json(r: UsageRecord, as_of: datetime, base: str) -> UsageRecordJSON:
    description, unit = CATEGORIES[r.category]
    money = r.category == "totalprice"
    query = f"Category={r.category}&StartDate={r.start_date}&EndDate={r.end_date}"
    return {
        "account_sid": r.account_sid,
        "api_version": "2010-04-01",
        "as_of": as_of.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "category": r.category,
        "count": str(r.count),
        "count_unit": "" if money else ("messages" if r.category in ("sms", "mms") else unit),
        "description": description,
        "start_date": r.start_date.isoformat(),
        "end_date": r.end_date.isoformat(),
        "price": format_units(r.units),
        "price_unit": "usd",
        "usage": format_units(r.usage) if money else str(r.usage),
        "usage_unit": unit,
        "uri": f"{base}/Usage/Records.json?{query}",
        "subresource_uris": {
            _SNAKE[s]: f"{base}/Usage/Records/{s}.json?Category={r.category}" for s in SUBRESOURCES
        },
    }


def _usage(sub: str | None) -> Any:
    async def handler(call: Call) -> dict[str, Any]:
        p: UsageParams = call.params
        now = call.runtime.clock.now()
        today = now.date()
        default_start = (
            today - timedelta(days=30) if sub == "Daily" else call.target.date_created.date()
        )
        start = parse_day(p.StartDate, today, "StartDate") if p.StartDate else default_start
        end = parse_day(p.EndDate, today, "EndDate") if p.EndDate else today
        if end < start:
            raise InvalidParameter("EndDate must not be before StartDate")
        if (end - start).days > 3660:
            raise InvalidParameter("The date range must be at most ten years")
        records: list[UsageRecord] = []
        for lo, hi in periods(sub, start, end, today):
            records += await call.runtime.billing.usage(
                call.target, lo, hi, p.Category, p.IncludeSubaccounts
            )
        request = p.page_request()
        chunk = records[request.offset : request.offset + request.size]
        page = Page(chunk, request.offset + request.size < len(records), request.offset > 0)
        base = f"/2010-04-01/Accounts/{call.target.sid}"
        suffix = f"/{sub}" if sub else ""
        names = ("Category", "StartDate", "EndDate", "IncludeSubaccounts")
        filters = [(k, v) for k, v in call.query_pairs if k in names]
        items = [record_json(r, now, base) for r in chunk]
        path = f"{base}/Usage/Records{suffix}.json"
        return list_envelope("usage_records", items, page, request, path, filters, cursor=False)

    return handler


TAGS = ("Usage",)

OPERATIONS = [
    Operation(
        "GET", f"{BASE}/Balance.json", "FetchBalance",
        "The balance of the main account that pays for this account.",
        fetch_balance, None, BalanceJSON, permission=BALANCE["read"], tags=("Balance",),
    ),
    Operation(
        "GET", f"{BASE}/Usage/Records.json", "ListUsageRecord",
        "Usage per category over StartDate..EndDate (default: all time), from the ledger.",
        _usage(None), UsageParams, UsageRecordJSON, list_key="usage_records",
        permission=USAGE["read"], tags=TAGS,
    ),
    *[
        Operation(
            "GET", f"{BASE}/Usage/Records/{sub}.json", f"ListUsageRecord{sub}",
            f"Usage per category, {sub}.", _usage(sub), UsageParams, UsageRecordJSON,
            list_key="usage_records", permission=USAGE["read"], tags=TAGS,
        )
        for sub in SUBRESOURCES
    ],
]  # fmt: skip
