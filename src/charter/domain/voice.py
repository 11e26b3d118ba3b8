"""Calls and recordings, simulated: validation, the call timeline, prices and refunds.

Nothing is dialled. A call is accepted as `queued` and moves on the server's clock: `ringing`
after 1 s, `in-progress` after 3 s (its `start_time`: the call is answered), `completed` once its
planned duration has passed (its `end_time`). The planned duration is 60 s, or `TimeLimit` when
that is smaller. Ending a call early (`Status=completed` while in progress) moves its end to that
moment; canceling it while queued or ringing (`Status=canceled`, or `completed`) makes it
`canceled` for good, with no start or end. The statuses `busy`, `failed` and `no-answer` never
occur. To `+15005550001` is refused as invalid (21211), as Twilio's magic test number is.

A call is charged when it is created, for every started minute of its planned duration
(`call_minute`). With `Record=true` it also gets a recording (`RE…`) of the answered part, charged
per started minute (`recording_minute`); the recording appears when the call is answered, is
`in-progress` while the call is and `completed` after. Ending early refunds the difference between
the planned and the actual minutes of both; canceling refunds both in full and deletes the
recording.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from charter.domain.billing import minutes
from charter.domain.errors import InvalidParameter
from charter.domain.ids import is_sid
from charter.domain.numbers import E164

RINGING_AFTER = timedelta(seconds=1)
ANSWERED_AFTER = timedelta(seconds=3)
DEFAULT_DURATION = 60  # seconds
STATUSES = ("queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer",
            "canceled")  # fmt: skip
FINAL = ("completed", "busy", "failed", "no-answer", "canceled")
METHODS = ("GET", "POST")
CALLBACK_EVENTS = ("initiated", "ringing", "answered", "completed")


class CallError(InvalidParameter):
    """A call request Twilio would refuse; `code` is Twilio's."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Instructions:
    """What the call runs (one of `url`, `twiml`, `application_sid`) and how it reports back."""

    url: str | None = None
    method: str = "POST"
    twiml: str | None = None
    application_sid: str | None = None
    status_callback_method: str = "POST"
    status_callback_events: tuple[str, ...] = ("completed",)


@dataclass(frozen=True, slots=True)
class Call:
    sid: str
    account_sid: str
    to: str
    from_: str
    phone_number_sid: str | None
    status: str  # stored: queued (the timeline decides), completed (ended early) or canceled
    planned_duration: int  # seconds of conversation planned at creation
    ended_at: datetime | None  # when it ends or ended (planned, or moved by an early end)
    price_units: int | None  # what the call costs after refunds
    instructions: Instructions
    status_callback: str | None
    record: bool
    date_created: datetime
    date_updated: datetime


@dataclass(frozen=True, slots=True)
class Recording:
    sid: str
    account_sid: str
    call_sid: str
    planned_duration: int  # seconds; shortened to the actual length when the call ends early
    price_units: int | None
    deleted: bool
    date_created: datetime  # when the call was answered: the recording starts then
    date_updated: datetime


def check_call(
    to: str, from_: str, url: str | None, twiml: str | None, application_sid: str | None
) -> None:
    """Twilio's refusals for a new call, in Twilio's order."""
    if not to:
        raise CallError(21201, "No 'To' number is specified")
    if not from_:
        raise CallError(21213, "No 'From' number is specified")
    given = [v for v in (url, twiml, application_sid) if v is not None]
    if not given:
        raise CallError(21205, "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required")
    if len(given) > 1:
        raise InvalidParameter("Only one of 'Url', 'Twiml' or 'ApplicationSid' may be given")
    if url is not None:
        check_url(url)
    if application_sid is not None and not is_sid(application_sid, "AP"):
        raise CallError(21218, f"Invalid ApplicationSid: {application_sid}")
    if not E164.match(to) or to == "+15005550001":
        raise CallError(21211, f"Invalid 'To' Phone Number: {to}")
    if not E164.match(from_):
        raise CallError(21212, f"Invalid 'From' Phone Number: {from_}")


def check_url(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise CallError(21205, f"Url is not a valid URL: {url}")


def check_method(method: str | None, name: str) -> str:
    """`GET` or `POST` (any case; `POST` when omitted)."""
    value = (method or "POST").upper()
    if value not in METHODS:
        raise InvalidParameter(f"{name} must be GET or POST")
    return value


def check_events(events: list[str]) -> tuple[str, ...]:
    """`StatusCallbackEvent` values (repeated, or space-separated); `completed` when none."""
    chosen = [e for value in events for e in value.split()]
    for event in chosen:
        if event not in CALLBACK_EVENTS:
            raise InvalidParameter(
                f"StatusCallbackEvent must be one of {', '.join(CALLBACK_EVENTS)}"
            )
    return tuple(e for e in CALLBACK_EVENTS if e in chosen) or ("completed",)


def check_status(status: str) -> str:
    """A call status Twilio knows (a list filter)."""
    if status not in STATUSES:
        raise InvalidParameter(f"Status must be one of {', '.join(STATUSES)}")
    return status


def planned_duration(time_limit: int | None) -> int:
    """Seconds the call will last once answered: 60, or `TimeLimit` when smaller."""
    if time_limit is None:
        return DEFAULT_DURATION
    if time_limit <= 0:
        raise InvalidParameter("TimeLimit must be a positive number of seconds")
    return min(DEFAULT_DURATION, time_limit)


def price(seconds: int, per_minute: int) -> int:
    """Units for `seconds` billed per started minute."""
    return minutes(seconds) * per_minute


def answered_at(call: Call) -> datetime:
    return call.date_created + ANSWERED_AFTER


def status_at(call: Call, now: datetime) -> str:
    """The call's status at `now` on the simulated timeline."""
    if call.status == "canceled":
        return "canceled"
    if call.ended_at is not None and now >= call.ended_at:
        return "completed"
    age = now - call.date_created
    if age >= ANSWERED_AFTER:
        return "in-progress"
    return "ringing" if age >= RINGING_AFTER else "queued"


def start_time(call: Call, now: datetime) -> datetime | None:
    """When the call was answered, once it has been."""
    if status_at(call, now) in ("in-progress", "completed"):
        return answered_at(call)
    return None


def end_time(call: Call, now: datetime) -> datetime | None:
    """When the call ended, once it has."""
    return call.ended_at if status_at(call, now) == "completed" else None


def duration(call: Call, now: datetime) -> int | None:
    """Seconds from answer to end, once the call has ended."""
    end = end_time(call, now)
    return None if end is None else seconds_between(answered_at(call), end)


def seconds_between(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds()))


def callback_times(call: Call) -> list[tuple[str, datetime, str]]:
    """(event, when, CallStatus) for each status-callback event the call asked for."""
    assert call.ended_at is not None  # noqa: S101 - only asked of calls that were not canceled
    times = {
        "initiated": (call.date_created, "initiated"),
        "ringing": (call.date_created + RINGING_AFTER, "ringing"),
        "answered": (answered_at(call), "in-progress"),
        "completed": (call.ended_at, "completed"),
    }
    return [(e, *times[e]) for e in call.instructions.status_callback_events]


def recording_status(recording: Recording, now: datetime) -> str:
    """`in-progress` while its call is, `completed` after, `deleted` once deleted."""
    if recording.deleted:
        return "deleted"
    end = recording.date_created + timedelta(seconds=recording.planned_duration)
    return "completed" if now >= end else "in-progress"
