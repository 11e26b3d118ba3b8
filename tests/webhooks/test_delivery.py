"""One attempt through `WebhookSender`: 2xx succeeds; redirects, errors and timeouts fail."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from charter.webhooks.delivery import WebhookSender, make_client
from tests.webhooks.helpers import TOKEN, Recorder, event

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("status", [200, 201, 204, 299])
async def test_any_2xx_is_a_delivery(status: int) -> None:
    recorder = Recorder(status)
    result = await recorder.sender().send(event(), TOKEN)
    assert result.delivered
    assert (result.status_code, result.error, result.summary) == (status, None, None)
    assert result.duration_ms >= 0
    [request] = recorder.requests
    assert request.url == "https://hooks.example.com/status"
    assert request.headers["X-Twilio-Signature"]


@pytest.mark.parametrize("status", [400, 404, 410, 500, 503])
async def test_other_statuses_fail(status: int) -> None:
    result = await Recorder(status).sender().send(event(), TOKEN)
    assert not result.delivered
    assert (result.status_code, result.error, result.summary) == (status, None, f"HTTP {status}")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirects_are_failures_and_never_followed(status: int) -> None:
    recorder = Recorder(
        respond=lambda r: httpx.Response(status, headers={"Location": "http://169.254.169.254/"})
    )
    result = await recorder.sender().send(event(), TOKEN)
    assert not result.delivered
    assert result.status_code == status
    assert result.error == "redirects are not followed"
    assert len(recorder.requests) == 1


async def test_the_production_client_follows_no_redirects_either() -> None:
    recorder = Recorder(302, respond=lambda r: httpx.Response(302, headers={"Location": "/x"}))
    client = make_client(False, recorder.transport)
    assert client.follow_redirects is False
    response = await client.get("https://hooks.example.com/")
    assert response.status_code == 302
    assert len(recorder.requests) == 1
    await client.aclose()


async def test_a_network_error_is_recorded_not_raised() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    result = await Recorder(respond=fail).sender().send(event(), TOKEN)
    assert not result.delivered
    assert result.status_code is None
    assert result.error == "ConnectError: connection refused"


async def test_a_slow_receiver_times_out_at_the_deadline() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)  # pragma: no cover - never reached

    sender_client = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    result = await WebhookSender(lambda: sender_client, deadline=0.05).send(event(), TOKEN)
    assert not result.delivered
    assert result.error == "timed out after 0.05 s"
    assert result.duration_ms < 2000


@pytest.mark.parametrize("url", ["ftp://hooks.example.com/x", "file:///etc/passwd", "nonsense"])
async def test_non_http_urls_are_refused_without_a_request(url: str) -> None:
    recorder = Recorder()
    result = await recorder.sender().send(event(url), TOKEN)
    assert not result.delivered
    assert result.error is not None
    assert result.error.startswith("refused: ")
    assert recorder.requests == []


async def test_get_sends_no_body_and_the_params_in_the_query() -> None:
    recorder = Recorder()
    await recorder.sender().send(event("https://hooks.example.com/s?a=1", "GET"), TOKEN)
    [request] = recorder.requests
    assert request.method == "GET"
    assert request.content == b""
    assert request.url.params["a"] == "1"
    assert request.url.params["MessageStatus"] == "sent"
