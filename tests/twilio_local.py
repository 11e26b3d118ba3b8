"""Point the real, unmodified `twilio` library at a local Charter server.

`LocalTwilioHttpClient` is the library's own HTTP client with one change: any
`https://*.twilio.com/...` URL it is asked to fetch goes to `base_url` instead, keeping path and
query. Everything else (auth, form encoding, paging, error mapping) is the library's own code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

# `Client(environment={})` falls back to os.environ (an empty dict is falsy); a non-empty mapping
# without TWILIO_* keys keeps the client from picking up credentials from the environment.
ISOLATED_ENVIRONMENT = {"TWILIO_ISOLATED": "1"}


@dataclass(frozen=True, slots=True)
class SentRequest:
    """One request as it went on the wire (after rewriting)."""

    method: str
    url: str

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> str:
        return urlsplit(self.url).query


def is_twilio_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "twilio.com" or host.endswith(".twilio.com")


class LocalTwilioHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio is untyped
    """A `TwilioHttpClient` that sends `https://<anything>.twilio.com/...` to `base_url`.

    Every request it sends is appended to `sent` (method and full rewritten URL, query included),
    so tests can check what the library actually did, e.g. that it followed `next_page_uri`.
    Environment proxies are ignored: a local server is never reached through one.
    """

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        base = urlsplit(base_url)
        if base.scheme not in ("http", "https") or not base.netloc:
            raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
        self.base = base
        self.sent: list[SentRequest] = []
        if self.session is not None:
            self.session.trust_env = False

    def rewrite(self, url: str) -> str:
        """`url` moved onto the local base when it names a Twilio host; otherwise unchanged."""
        parts = urlsplit(url)
        if not is_twilio_host(parts.hostname or ""):
            return url
        path = self.base.path.rstrip("/") + (parts.path or "/")
        return urlunsplit((self.base.scheme, self.base.netloc, path, parts.query, ""))

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        local = self.rewrite(url)
        full = local
        if params:
            query = urlencode(params, doseq=True)
            full = f"{local}{'&' if urlsplit(local).query else '?'}{query}"
        self.sent.append(SentRequest(method.upper(), full))
        response: Response = super().request(
            method,
            local,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        return response


def local_client(base: str, username: str, password: str, account_sid: str | None = None) -> Client:
    """A twilio `Client` authenticating with `username:password` against the server at `base`.

    `account_sid` is the account the `/Accounts/{AccountSid}/...` paths act on (default:
    `username`, as in the library).
    """
    return Client(
        username,
        password,
        account_sid,
        http_client=LocalTwilioHttpClient(base, timeout=10),
        environment=ISOLATED_ENVIRONMENT,
    )


def http_client_of(client: Client) -> LocalTwilioHttpClient:
    """The `LocalTwilioHttpClient` behind a client made by `local_client`."""
    http = client.http_client
    if not isinstance(http, LocalTwilioHttpClient):
        raise TypeError("not a client made by local_client()")
    return http
