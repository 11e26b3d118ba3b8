"""Calls, 2010 API: place (simulated, charged), list, fetch, end, cancel or redirect, delete.

Simulated: see `charter.domain.voice` for the timeline, durations and prices.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field
from typing_extensions import TypedDict

from charter.domain import voice as rules
from charter.domain.ids import parse_sid
from charter.domain.money import format_units
from charter.domain.numbers import formatted
from charter.domain.permissions import CALLS
from charter.domain.ports import CallFilter
from charter.services.voice import CallRequest
from charter.web.api.messages import parse_instant
from charter.web.routing import Call, Operation
from charter.web.twilio import PagingParams, Params, list_envelope, rfc2822

BASE = "/2010-04-01/Accounts/{AccountSid}"
SUBRESOURCES = {
    "notifications": "Notifications",
    "recordings": "Recordings",
    "payments": "Payments",
    "events": "Events",
    "siprec": "Siprec",
    "streams": "Streams",
    "user_defined_message_subscriptions": "UserDefinedMessageSubscriptions",
    "user_defined_messages": "UserDefinedMessages",
}

CallJSON = TypedDict(
    "CallJSON",
    {
        "sid": str,
        "date_created": str | None,
        "date_updated": str | None,
        "parent_call_sid": str | None,
        "account_sid": str,
        "to": str,
        "to_formatted": str,
        "from": str,
        "from_formatted": str,
        "phone_number_sid": str | None,
        "status": str,
        "start_time": str | None,
        "end_time": str | None,
        "duration": str | None,
        "price": str | None,
        "price_unit": str,
        "direction": str,
        "answered_by": str | None,
        "api_version": str,
        "forwarded_from": str | None,
        "group_sid": str | None,
        "caller_name": str | None,
        "queue_time": str,
        "trunk_sid": str | None,
        "uri": str,
        "subresource_uris": dict[str, str],
    },
)


def price_string(units: int | None) -> str:
    """Twilio's signed price: `-0.01400` for a charge, `0.00000` for nothing."""
    return f"-{format_units(units)}" if units else format_units(0)


def call_json(c: rules.Call, now: datetime) -> CallJSON:
    status = rules.status_at(c, now)
    base = f"/2010-04-01/Accounts/{c.account_sid}/Calls/{c.sid}"
    seconds = rules.duration(c, now)
    return {
        "sid": c.sid,
        "date_created": rfc2822(c.date_created),
        "date_updated": rfc2822(c.date_updated),
        "parent_call_sid": None,
        "account_sid": c.account_sid,
        "to": c.to,
        "to_formatted": formatted(c.to),
        "from": c.from_,
        "from_formatted": formatted(c.from_),
        "phone_number_sid": c.phone_number_sid,
        "status": status,
        "start_time": rfc2822(rules.start_time(c, now)),
        "end_time": rfc2822(rules.end_time(c, now)),
        "duration": None if seconds is None else str(seconds),
        "price": price_string(c.price_units) if status == "completed" else None,
        "price_unit": "USD",
        "direction": "outbound-api",
        "answered_by": None,
        "api_version": "2010-04-01",
        "forwarded_from": None,
        "group_sid": None,
        "caller_name": None,
        "queue_time": "0",
        "trunk_sid": None,
        "uri": f"{base}.json",
        "subresource_uris": {k: f"{base}/{v}.json" for k, v in SUBRESOURCES.items()},
    }


class CreateCallParams(Params):
    To: str = ""
    From: str = ""
    Url: str | None = None
    Method: str | None = None
    Twiml: str | None = None
    ApplicationSid: str | None = None
    StatusCallback: str | None = None
    StatusCallbackMethod: str | None = None
    StatusCallbackEvent: list[str] = Field(default_factory=list)
    Record: bool = False
    TimeLimit: int | None = None
    Timeout: int | None = None  # accepted; the simulated callee always answers after 3 s


class UpdateCallParams(Params):
    Status: str | None = None
    Url: str | None = None
    Method: str | None = None
    Twiml: str | None = None


class ListCallParams(PagingParams):
    To: str | None = None
    From: str | None = None
    Status: str | None = None
    ParentCallSid: str | None = None
    StartTime: str | None = None
    StartTimeBefore: str | None = Field(None, alias="StartTime<")
    StartTimeAfter: str | None = Field(None, alias="StartTime>")
    EndTime: str | None = None
    EndTimeBefore: str | None = Field(None, alias="EndTime<")
    EndTimeAfter: str | None = Field(None, alias="EndTime>")


def instant_range(
    name: str, exact: str | None, after: str | None, before: str | None
) -> tuple[datetime | None, datetime | None]:
    """[from, until) for Twilio's `Name`, `Name>` and `Name<` filters (a date is a whole day)."""
    lo = hi = None
    if exact is not None:
        lo, day = parse_instant(exact, name)
        hi = lo + (timedelta(days=1) if day else timedelta(seconds=1))
    if after is not None:
        lo = parse_instant(after, f"{name}>")[0]
    if before is not None:
        hi = parse_instant(before, f"{name}<")[0]
    return lo, hi


async def create_call(call: Call) -> CallJSON:
    p: CreateCallParams = call.params
    request = CallRequest(
        to=p.To, from_=p.From, url=p.Url, method=p.Method, twiml=p.Twiml,
        application_sid=p.ApplicationSid, status_callback=p.StatusCallback,
        status_callback_method=p.StatusCallbackMethod,
        status_callback_events=p.StatusCallbackEvent, record=p.Record, time_limit=p.TimeLimit,
    )  # fmt: skip
    placed = await call.runtime.calls.create(call.acting, call.target, request)
    return call_json(placed, call.runtime.clock.now())


async def list_calls(call: Call) -> dict[str, Any]:
    p: ListCallParams = call.params
    started = instant_range("StartTime", p.StartTime, p.StartTimeAfter, p.StartTimeBefore)
    ended = instant_range("EndTime", p.EndTime, p.EndTimeAfter, p.EndTimeBefore)
    request = p.page_request()
    now = call.runtime.clock.now()
    where = CallFilter(
        call.target.sid, now, p.To, p.From,
        None if p.Status is None else rules.check_status(p.Status), p.ParentCallSid,
        started[0], started[1], ended[0], ended[1],
    )  # fmt: skip
    page = await call.runtime.calls.list_calls(where, request)
    path = f"/2010-04-01/Accounts/{call.target.sid}/Calls.json"
    names = ("To", "From", "Status", "ParentCallSid", "StartTime", "StartTime<", "StartTime>",
             "EndTime", "EndTime<", "EndTime>")  # fmt: skip
    filters = [(k, v) for k, v in call.query_pairs if k in names]
    items = [call_json(c, now) for c in page.items]
    return list_envelope("calls", items, page, request, path, filters)


def _sid(call: Call) -> str:
    return parse_sid(call.request.path_params["Sid"], "CA")


async def fetch_call(call: Call) -> CallJSON:
    found = await call.runtime.calls.get(call.target, _sid(call))
    return call_json(found, call.runtime.clock.now())


async def update_call(call: Call) -> CallJSON:
    p: UpdateCallParams = call.params
    updated = await call.runtime.calls.update(
        call.acting, call.target, _sid(call), p.Status, p.Url, p.Method, p.Twiml
    )
    return call_json(updated, call.runtime.clock.now())


async def delete_call(call: Call) -> None:
    await call.runtime.calls.delete(call.target, _sid(call))


TAGS = ("Calls",)

OPERATIONS = [
    Operation(
        "POST", f"{BASE}/Calls.json", "CreateCall",
        "Place a call (simulated) from one of the account's numbers; charged for its planned "
        "duration (and its recording's, with Record=true).",
        create_call, CreateCallParams, CallJSON, status=201,
        permission=CALLS["create"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/Calls.json", "ListCall",
        "Calls, newest first, filtered by To, From, Status, ParentCallSid, StartTime and EndTime "
        "(also with < / >).",
        list_calls, ListCallParams, CallJSON, list_key="calls",
        permission=CALLS["list"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/Calls/{{Sid}}.json", "FetchCall", "Fetch a call.",
        fetch_call, None, CallJSON, permission=CALLS["read"], tags=TAGS,
    ),
    Operation(
        "POST", f"{BASE}/Calls/{{Sid}}.json", "UpdateCall",
        "End an in-progress call (Status=completed, unused minutes refunded), cancel a queued or "
        "ringing one (refunded), or redirect it (Url, Twiml).",
        update_call, UpdateCallParams, CallJSON, permission=CALLS["update"], tags=TAGS,
    ),
    Operation(
        "DELETE", f"{BASE}/Calls/{{Sid}}.json", "DeleteCall",
        "Delete a call that has ended.", delete_call, None, None, status=204,
        permission=CALLS["delete"], tags=TAGS,
    ),
]  # fmt: skip
