"""One delivery attempt: the signed request, sent once, classified.

The request goes by the event's method: `GET` with the parameters appended to the URL's query,
`POST` as an `application/x-www-form-urlencoded` body. Headers: `X-Twilio-Signature` (see
`charter.webhooks.signing`, computed over the URL exactly as it goes on the wire),
`I-Twilio-Idempotency-Token: <event id>` (the same on every retry, so receivers can drop
duplicates) and `User-Agent: Charter-Webhooks/<version>`.

Success is any 2xx. Redirects are never followed (a 3xx is a failure), the response body is
never read, and the whole attempt (resolution, connection, TLS, response headers) has one
deadline. The client comes from `make_client`; tests pass an `httpx.MockTransport` instead of
the guarded network transport.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from urllib.parse import urlencode

import httpx

from charter import __version__
from charter.domain.webhooks import AttemptResult, PendingWebhook
from charter.webhooks.guard import GuardedTransport, URLRefused, check_url
from charter.webhooks.signing import SIGNATURE_HEADER, signature

USER_AGENT = f"Charter-Webhooks/{__version__}"
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5.0
MAX_ERROR = 500


def make_client(
    allow_private: bool, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The webhook HTTP client: guarded transport (unless `transport` is given), no redirects,
    no proxies or credentials from the environment, short timeouts."""
    return httpx.AsyncClient(
        transport=transport or GuardedTransport(allow_private),
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS),
    )


def wire_url(url: httpx.URL) -> str:
    """The URL as the receiver sees it: scheme, host, non-default port, path (at least `/`)
    and query, percent-encoded as sent. This is the string that gets signed."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}{url.raw_path.decode('ascii')}"


def build_request(event: PendingWebhook, auth_token: str) -> httpx.Request:
    """The signed request for `event`; raises `URLRefused` for a URL that is not http(s)."""
    check_url(event.url)
    params = dict(event.params)
    headers = {"User-Agent": USER_AGENT, IDEMPOTENCY_HEADER: event.event_id}
    if event.method.upper() == "GET":
        base, _, _fragment = event.url.partition("#")
        query = urlencode(list(params.items()))
        url = base + ("&" if "?" in base else "?") + query if query else base
        request = httpx.Request("GET", url, headers=headers)
        signed: dict[str, str] = {}
    else:
        request = httpx.Request("POST", event.url.partition("#")[0], headers=headers, data=params)
        signed = params
    request.headers[SIGNATURE_HEADER] = signature(auth_token, wire_url(request.url), signed)
    return request


def _error(exc: httpx.HTTPError) -> str:
    """`refused: …` from the guard as it is; other errors prefixed with their kind."""
    text = str(exc)
    if not text.startswith("refused:"):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text[:MAX_ERROR]


class WebhookSender:
    """Sends one attempt and says what happened; never raises for a network problem.

    The HTTP client is made by `make_client` on first use, so building a sender costs nothing.
    """

    def __init__(
        self, make_client: Callable[[], httpx.AsyncClient], deadline: float = TIMEOUT_SECONDS
    ) -> None:
        self._make_client = make_client
        self._client: httpx.AsyncClient | None = None
        self._deadline = deadline

    async def send(self, event: PendingWebhook, auth_token: str) -> AttemptResult:
        """Deliver `event` once, signed with `auth_token`."""
        started = time.monotonic()

        def took() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            request = build_request(event, auth_token)
        except (URLRefused, httpx.InvalidURL) as exc:
            return AttemptResult(None, f"refused: {exc}", took())
        if self._client is None:
            self._client = self._make_client()
        try:
            async with asyncio.timeout(self._deadline):
                response = await self._client.send(request, stream=True)
                await response.aclose()
        except TimeoutError:
            return AttemptResult(None, f"timed out after {self._deadline:g} s", took())
        except httpx.HTTPError as exc:
            return AttemptResult(None, _error(exc), took())
        status = response.status_code
        if 300 <= status < 400:
            return AttemptResult(status, "redirects are not followed", took())
        return AttemptResult(status, None, took())

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
