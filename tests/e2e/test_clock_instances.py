"""The test clock across two `charter serve` processes on one database (`CHARTER_TEST_CLOCK=1`):
an advance made through either is the time on both, advances made at once all count, a server
started later begins at the shared time, and a message sent through one instance moves through its
statuses on the time advanced through the other."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import CharterServer, fresh_database

pytestmark = pytest.mark.slow

CLOCK = "/_charter/clock"
ENV = {"CHARTER_TEST_CLOCK": "1"}


@pytest.fixture(scope="module")
def clock_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory, "clock-instances") as url:
        yield url


@pytest.fixture(scope="module")
def pair(
    clock_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[CharterServer, CharterServer]]:
    servers = [
        CharterServer(clock_url, tmp_path_factory.mktemp(f"clock-{n}"), extra_env=ENV)
        for n in (1, 2)
    ]
    try:
        for server in servers:  # one after the other: each migrates the database first
            server.start()
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        assert "unhandled error" not in server.log(), server.log()
        assert "the test clock is on" in server.log()


def read(server: CharterServer) -> Any:
    with server.http() as http:
        response = http.get(CLOCK)
    assert response.status_code == 200, response.text
    return response.json()


def advance(server: CharterServer, seconds: float) -> Any:
    with server.http() as http:
        response = http.post(CLOCK, data={"advance": str(seconds)})
    assert response.status_code == 200, response.text
    return response.json()


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_an_advance_on_one_instance_is_the_time_on_the_other(
    pair: tuple[CharterServer, CharterServer],
) -> None:
    first, second = pair
    start = read(second)["offset"]
    moved = advance(first, 86_400)
    assert moved["offset"] == start + 86_400
    assert eventually(lambda: read(second)["offset"] == moved["offset"])
    there = datetime.fromisoformat(read(second)["now"])
    # the same clock: `there` is `moved` plus the real time spent since
    assert 0 <= (there - datetime.fromisoformat(moved["now"])).total_seconds() < 5


def test_advances_made_at_once_on_both_instances_all_count(
    pair: tuple[CharterServer, CharterServer],
) -> None:
    first, second = pair
    start = read(first)["offset"]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda s: advance(s, 10), [first, second] * 10))
    expected = start + 200
    assert eventually(lambda: read(first)["offset"] == read(second)["offset"] == expected)


def test_a_server_started_later_begins_at_the_shared_time(
    pair: tuple[CharterServer, CharterServer], clock_url: str, tmp_path: Path
) -> None:
    first, _ = pair
    offset = advance(first, 3600)["offset"]
    late = CharterServer(clock_url, tmp_path, extra_env=ENV)
    late.start()
    try:
        assert read(late)["offset"] == offset
    finally:
        late.stop()


def test_a_message_sent_on_one_instance_follows_time_advanced_on_the_other(
    pair: tuple[CharterServer, CharterServer],
) -> None:
    first, second = pair
    account = first.create_main_account("Clocked messages")
    base = f"/2010-04-01/Accounts/{account.sid}"
    with second.http(account.auth) as http:
        number = http.post(f"{base}/IncomingPhoneNumbers.json", data={"AreaCode": "415"})
        assert number.status_code == 201, number.text
        sent = http.post(
            f"{base}/Messages.json",
            data={"From": number.json()["phone_number"], "To": "+14155550100", "Body": "Hi"},
        ).json()
        assert sent["status"] == "queued"
        url = f"{base}/Messages/{sent['sid']}.json"
        offset = advance(first, 60)["offset"]
        assert eventually(lambda: read(second)["offset"] == offset)
        done = http.get(url).json()
    assert (done["status"], done["price"]) == ("delivered", "-0.00790")


def test_the_clock_needs_no_credentials_and_refuses_bad_steps(
    pair: tuple[CharterServer, CharterServer],
) -> None:
    first, _ = pair
    with httpx.Client(base_url=first.base, trust_env=False, timeout=10.0) as http:
        bad = http.post(CLOCK, data={"advance": "-5"})
    assert bad.status_code == 400
    assert bad.json()["message"] == "Advance must be a non-negative number of seconds"
