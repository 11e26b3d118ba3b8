"""The test clock's control endpoint, `GET|POST /_charter/clock` (only with `CHARTER_TEST_CLOCK=1`).

No authentication: it is a development tool, never routed in production (settings refuse it).
"""

from __future__ import annotations

from datetime import datetime

from typing_extensions import TypedDict

from charter.services.test_clock import TestClockService
from charter.web.routing import Call, Operation
from charter.web.twilio import Params

PATH = "/_charter/clock"


class AdvanceParams(Params):
    advance: float


class ClockJSON(TypedDict):
    now: str
    offset: float


def _service(call: Call) -> TestClockService:
    service = call.runtime.test_clock
    assert service is not None  # noqa: S101 - routed only when the test clock is on
    return service


def _body(now: datetime, service: TestClockService) -> ClockJSON:
    return {"now": now.isoformat(timespec="microseconds"), "offset": service.clock.offset}


async def read(call: Call) -> ClockJSON:
    service = _service(call)
    return _body(service.clock.now(), service)


async def advance(call: Call) -> ClockJSON:
    service = _service(call)
    params: AdvanceParams = call.params
    return _body(await service.advance(params.advance), service)


OPERATIONS = [
    Operation(
        "GET",
        PATH,
        "FetchTestClock",
        "The server's now on the test clock, and how far it runs ahead of the system clock.",
        read,
        None,
        ClockJSON,
        auth=False,
        tags=("TestClock",),
    ),
    Operation(
        "POST",
        PATH,
        "AdvanceTestClock",
        "Move the server's now forward by `advance` seconds, on every instance.",
        advance,
        AdvanceParams,
        ClockJSON,
        auth=False,
        tags=("TestClock",),
    ),
]
