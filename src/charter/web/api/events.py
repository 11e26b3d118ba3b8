"""Audit events, monitor.twilio.com v1: `/v1/Events` and `/v1/Events/{Sid}`.

Each credential reads the events of its own account (see `charter.services.events`), newest
first, filtered as Twilio's Monitor filters them. Dates are ISO 8601 as in every v1 API.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from charter.domain.events import AuditEvent
from charter.domain.ids import parse_sid
from charter.domain.permissions import EVENTS
from charter.domain.ports import EventFilter
from charter.web.routing import Call, Operation, base_url
from charter.web.twilio import PagingParams, iso8601, meta_envelope, parse_iso8601

PATH = "/v1/Events"

# Where the actor or resource of an event lives, by SID prefix (links to this server).
_LINKS = {
    "AC": "/2010-04-01/Accounts/{sid}.json",
    "SK": "/v1/Keys/{sid}",
    "OQ": "/v1/Account/OAuthApps/{sid}",
}

FILTERS = ("ActorSid", "EventType", "ResourceSid", "SourceIpAddress", "StartDate", "EndDate")


class EventLinksJSON(TypedDict):
    actor: str | None
    resource: str | None


class EventJSON(TypedDict):
    account_sid: str
    actor_sid: str
    actor_type: str
    description: str | None
    event_data: dict[str, Any]
    event_date: str | None
    event_type: str
    resource_sid: str
    resource_type: str
    sid: str
    source: str
    source_ip_address: str | None
    url: str
    links: EventLinksJSON


class ListEventParams(PagingParams):
    ActorSid: str | None = None
    EventType: str | None = None
    ResourceSid: str | None = None
    SourceIpAddress: str | None = None
    StartDate: str | None = None
    EndDate: str | None = None


def _link(base: str, sid: str) -> str | None:
    template = _LINKS.get(sid[:2])
    return None if template is None else base + template.format(sid=sid)


def event_json(event: AuditEvent, base: str) -> EventJSON:
    return {
        "account_sid": event.account_sid,
        "actor_sid": event.actor.sid,
        "actor_type": event.actor.type,
        "description": event.description,
        "event_data": dict(event.event_data),
        "event_date": iso8601(event.event_date),
        "event_type": event.event_type,
        "resource_sid": event.resource_sid,
        "resource_type": event.resource_type,
        "sid": event.sid,
        "source": event.actor.source,
        "source_ip_address": event.actor.ip_address,
        "url": f"{base}{PATH}/{event.sid}",
        "links": {
            "actor": _link(base, event.actor.sid),
            "resource": _link(base, event.resource_sid),
        },
    }


def _filter(call: Call, params: ListEventParams) -> EventFilter:
    """Twilio's filters; StartDate and EndDate both include the day or second they name."""
    start = end = None
    if params.StartDate is not None:
        start, _ = parse_iso8601("StartDate", params.StartDate)
    if params.EndDate is not None:
        until, span = parse_iso8601("EndDate", params.EndDate)
        end = until + span
    return EventFilter(
        account_sid=call.acting.account_sid,
        event_type=params.EventType,
        resource_sid=params.ResourceSid,
        actor_sid=params.ActorSid,
        source_ip_address=params.SourceIpAddress,
        start=start,
        end=end,
    )


async def list_events(call: Call) -> dict[str, Any]:
    params: ListEventParams = call.params
    where = _filter(call, params)
    request = params.page_request()
    page = await call.runtime.events.list_events(where, request)
    base = base_url(call)
    items = [event_json(e, base) for e in page.items]
    filters = [(k, v) for k, v in call.query_pairs if k in FILTERS]
    return meta_envelope("events", items, page, request, base + PATH, filters)


async def fetch_event(call: Call) -> EventJSON:
    sid = parse_sid(call.request.path_params["Sid"], "AE")
    event = await call.runtime.events.get(call.acting.account_sid, sid)
    return event_json(event, base_url(call))


TAGS = ("Monitor Events",)

OPERATIONS = [
    Operation(
        "GET", PATH, "ListEvent",
        "The calling account's audit events, newest first, filtered by actor, type, resource, "
        "source address and date.",
        list_events, ListEventParams, EventJSON, list_key="events",
        permission=EVENTS["list"], tags=TAGS,
    ),
    Operation(
        "GET", f"{PATH}/{{Sid}}", "FetchEvent", "Fetch an audit event.",
        fetch_event, None, EventJSON, permission=EVENTS["read"], tags=TAGS,
    ),
]  # fmt: skip
