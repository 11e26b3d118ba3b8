"""Recordings, 2010 API: an account's recordings and a call's, fetch, delete (soft).

Simulated: a call placed with `Record=true` gets one recording of its answered part; see
`charter.domain.voice`. There is no media behind `media_url`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field
from typing_extensions import TypedDict

from charter.domain.ids import parse_sid
from charter.domain.permissions import RECORDINGS
from charter.domain.ports import RecordingFilter
from charter.domain.voice import Recording, recording_status
from charter.web.api.calls import instant_range, price_string
from charter.web.routing import Call, Operation
from charter.web.twilio import PagingParams, list_envelope, rfc2822

BASE = "/2010-04-01/Accounts/{AccountSid}"


class RecordingJSON(TypedDict):
    sid: str
    account_sid: str
    call_sid: str
    conference_sid: str | None
    api_version: str
    date_created: str | None
    date_updated: str | None
    start_time: str | None
    duration: str
    price: str | None
    price_unit: str
    status: str
    channels: int
    source: str
    error_code: int | None
    encryption_details: dict[str, Any] | None
    media_url: str
    uri: str
    subresource_uris: dict[str, str]


def recording_json(r: Recording, now: datetime) -> RecordingJSON:
    status = recording_status(r, now)
    done = status == "completed"
    path = f"/2010-04-01/Accounts/{r.account_sid}/Recordings/{r.sid}"
    return {
        "sid": r.sid,
        "account_sid": r.account_sid,
        "call_sid": r.call_sid,
        "conference_sid": None,
        "api_version": "2010-04-01",
        "date_created": rfc2822(r.date_created),
        "date_updated": rfc2822(r.date_updated),
        "start_time": rfc2822(r.date_created),
        "duration": str(r.planned_duration) if done else "-1",
        "price": price_string(r.price_units) if done else None,
        "price_unit": "USD",
        "status": status,
        "channels": 1,
        "source": "OutboundAPI",
        "error_code": None,
        "encryption_details": None,
        "media_url": f"https://api.twilio.com{path}",
        "uri": f"{path}.json",
        "subresource_uris": {
            "add_on_results": f"{path}/AddOnResults.json",
            "transcriptions": f"{path}/Transcriptions.json",
        },
    }


class ListRecordingParams(PagingParams):
    CallSid: str | None = None
    DateCreated: str | None = None
    DateCreatedBefore: str | None = Field(None, alias="DateCreated<")
    DateCreatedAfter: str | None = Field(None, alias="DateCreated>")


async def _list(call: Call, call_sid: str | None, path: str, names: tuple[str, ...]) -> Any:
    p: ListRecordingParams = call.params
    lo, hi = instant_range("DateCreated", p.DateCreated, p.DateCreatedAfter, p.DateCreatedBefore)
    request = p.page_request()
    now = call.runtime.clock.now()
    where = RecordingFilter(call.target.sid, now, call_sid, lo, hi)
    page = await call.runtime.recordings.list_recordings(call.target, where, request)
    filters = [(k, v) for k, v in call.query_pairs if k in names]
    items = [recording_json(r, now) for r in page.items]
    return list_envelope("recordings", items, page, request, path, filters)


DATE_FILTERS = ("DateCreated", "DateCreated<", "DateCreated>")


async def list_recordings(call: Call) -> dict[str, Any]:
    p: ListRecordingParams = call.params
    call_sid = None if p.CallSid is None else parse_sid(p.CallSid, "CA")
    path = f"/2010-04-01/Accounts/{call.target.sid}/Recordings.json"
    result: dict[str, Any] = await _list(call, call_sid, path, ("CallSid", *DATE_FILTERS))
    return result


def _call_sid(call: Call) -> str:
    return parse_sid(call.request.path_params["CallSid"], "CA")


async def list_call_recordings(call: Call) -> dict[str, Any]:
    call_sid = _call_sid(call)
    path = f"/2010-04-01/Accounts/{call.target.sid}/Calls/{call_sid}/Recordings.json"
    result: dict[str, Any] = await _list(call, call_sid, path, DATE_FILTERS)
    return result


def _sid(call: Call) -> str:
    return parse_sid(call.request.path_params["Sid"], "RE")


async def fetch_recording(call: Call) -> RecordingJSON:
    recording = await call.runtime.recordings.get(call.target, _sid(call))
    return recording_json(recording, call.runtime.clock.now())


async def fetch_call_recording(call: Call) -> RecordingJSON:
    call_sid = _call_sid(call)
    recording = await call.runtime.recordings.get(call.target, _sid(call), call_sid)
    return recording_json(recording, call.runtime.clock.now())


async def delete_recording(call: Call) -> None:
    await call.runtime.recordings.delete(call.target, _sid(call))


TAGS = ("Recordings",)

OPERATIONS = [
    Operation(
        "GET", f"{BASE}/Recordings.json", "ListRecording",
        "Recordings, newest first, filtered by CallSid and DateCreated (also DateCreated< / >).",
        list_recordings, ListRecordingParams, RecordingJSON, list_key="recordings",
        permission=RECORDINGS["list"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/Recordings/{{Sid}}.json", "FetchRecording", "Fetch a recording.",
        fetch_recording, None, RecordingJSON, permission=RECORDINGS["read"], tags=TAGS,
    ),
    Operation(
        "DELETE", f"{BASE}/Recordings/{{Sid}}.json", "DeleteRecording",
        "Delete a completed recording (it disappears from lists and fetches).",
        delete_recording, None, None, status=204, permission=RECORDINGS["delete"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/Calls/{{CallSid}}/Recordings.json", "ListCallRecording",
        "One call's recordings, newest first, filtered by DateCreated (also < / >).",
        list_call_recordings, ListRecordingParams, RecordingJSON, list_key="recordings",
        permission=RECORDINGS["list"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/Calls/{{CallSid}}/Recordings/{{Sid}}.json", "FetchCallRecording",
        "Fetch one of a call's recordings.", fetch_call_recording, None, RecordingJSON,
        permission=RECORDINGS["read"], tags=TAGS,
    ),
]  # fmt: skip
