"""The test clock through the front door: `GET|POST /_charter/clock`, and statuses following it.

These apps run on the system clock (no `FixedClock`), as `charter serve` does.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from charter.settings import Settings
from charter.web.app import create_app
from tests.factories import make_account
from tests.web.voice import DOCS, basic, buy_number, fetch_call, place, setup_account

PATH = "/_charter/clock"
SLACK = timedelta(seconds=5)  # real time passing while a test runs


@pytest.fixture
def clock_client(settings: Settings) -> Iterator[TestClient]:
    on = dataclasses.replace(settings, test_clock=True)
    with TestClient(create_app(on), raise_server_exceptions=False) as test_client:
        yield test_client


def _now(body: Any) -> datetime:
    return datetime.fromisoformat(body["now"])


def _ahead_by(body: Any, seconds: float) -> bool:
    expected = datetime.now(UTC) + timedelta(seconds=seconds)
    return expected - SLACK <= _now(body) <= expected + SLACK


def test_get_reads_the_servers_now_without_credentials(clock_client: TestClient) -> None:
    r = clock_client.get(PATH)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert body["offset"] == 0.0
    assert _ahead_by(body, 0)
    assert _now(body).tzinfo is not None


def test_post_advances_now_and_returns_it(clock_client: TestClient) -> None:
    r = clock_client.post(PATH, data={"advance": "3600"})
    assert r.status_code == 200
    assert r.json()["offset"] == 3600.0
    assert _ahead_by(r.json(), 3600)
    assert clock_client.post(PATH, data={"advance": "0.5"}).json()["offset"] == 3600.5
    assert clock_client.post(PATH, data={"advance": "0"}).json()["offset"] == 3600.5
    read = clock_client.get(PATH).json()
    assert read["offset"] == 3600.5
    assert _ahead_by(read, 3600.5)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Invalid parameter advance: Field required"),
        (
            {"advance": "soon"},
            "Invalid parameter advance: Input should be a valid number, "
            "unable to parse string as a number",
        ),
        (
            {"advance": ""},
            "Invalid parameter advance: Input should be a valid number, "
            "unable to parse string as a number",
        ),
        ({"advance": "-1"}, "Advance must be a non-negative number of seconds"),
        ({"advance": "nan"}, "Advance must be a non-negative number of seconds"),
        ({"advance": "inf"}, "Advance must be a non-negative number of seconds"),
        ({"advance": "1e300"}, "Advance must be at most 3153600000 seconds"),
        ({"Advance": "60"}, "Invalid parameter advance: Field required"),
    ],
)
def test_a_bad_advance_is_a_400_and_moves_nothing(
    clock_client: TestClient, form: dict[str, str], message: str
) -> None:
    r = clock_client.post(PATH, data=form)
    assert r.status_code == 400
    assert r.json() == {
        "code": 20001,
        "message": message,
        "more_info": f"{DOCS}/20001",
        "status": 400,
    }
    assert clock_client.get(PATH).json()["offset"] == 0.0


def test_the_clock_cannot_run_more_than_a_century_ahead(clock_client: TestClient) -> None:
    assert clock_client.post(PATH, data={"advance": "3153600000"}).status_code == 200
    r = clock_client.post(PATH, data={"advance": "1"})
    assert r.status_code == 400
    assert r.json()["message"] == "The test clock cannot run more than 3153600000 seconds ahead"


def test_a_message_moves_through_its_statuses_on_the_test_clock(clock_client: TestClient) -> None:
    account = make_account(clock_client)
    sender = buy_number(clock_client, account)["phone_number"]
    url = f"/2010-04-01/Accounts/{account.sid}/Messages"
    sent = clock_client.post(
        f"{url}.json",
        data={"From": sender, "To": "+14155550100", "Body": "Hi"},
        auth=basic(account),
    ).json()
    assert sent["status"] == "queued"
    clock_client.post(PATH, data={"advance": "60"})
    done = clock_client.get(f"{url}/{sent['sid']}.json", auth=basic(account)).json()
    assert (done["status"], done["price"]) == ("delivered", "-0.00790")


def test_a_call_moves_through_its_statuses_on_the_test_clock(clock_client: TestClient) -> None:
    account, number = setup_account(clock_client)
    sid = place(clock_client, account, number)["sid"]
    assert fetch_call(clock_client, account, sid)["status"] == "queued"
    clock_client.post(PATH, data={"advance": "10"})
    assert fetch_call(clock_client, account, sid)["status"] == "in-progress"
    clock_client.post(PATH, data={"advance": "3600"})
    done = fetch_call(clock_client, account, sid)
    assert (done["status"], done["duration"], done["price"]) == ("completed", "60", "-0.01400")


def test_the_clock_is_in_the_openapi_document_only_when_on(
    clock_client: TestClient, client: TestClient
) -> None:
    assert PATH in clock_client.get("/openapi.json").json()["paths"]
    assert PATH not in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_without_the_setting_there_is_no_clock(client: TestClient, method: str) -> None:
    r = client.request(method, PATH, data={"advance": "60"} if method == "POST" else None)
    assert r.status_code == 404
    assert r.json() == {
        "code": 20404,
        "message": f"The requested resource {PATH} was not found",
        "more_info": f"{DOCS}/20404",
        "status": 404,
    }


def test_start_up_warns_that_the_clock_is_on(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    on = dataclasses.replace(settings, test_clock=True)
    with caplog.at_level(logging.WARNING, logger="charter"), TestClient(create_app(on)):
        pass
    assert any("the test clock is on" in r.getMessage() for r in caplog.records)
