"""The route table: each `Operation` declares method, path, permission, parameter and response
types and its handler once; the table drives routing, authentication, the account-in-the-path
check and the OpenAPI document.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from charter.domain.errors import AuthenticationRequired
from charter.domain.events import API, Actor
from charter.domain.ids import parse_account_sid
from charter.domain.models import Account, Principal
from charter.domain.permissions import Permission, authorize
from charter.runtime import Runtime
from charter.web.errors import JSON_HEADERS
from charter.web.json_body import json_object, validate_json
from charter.web.twilio import decode_pairs, form_pairs, validate_params


@dataclass(frozen=True, slots=True)
class Call:
    """What a handler gets: the request, the runtime, who is acting, on which account, with what."""

    request: Request
    runtime: Runtime
    principal: Principal | None
    account: Account | None
    params: Any
    query_pairs: list[tuple[str, str]]

    @property
    def acting(self) -> Principal:
        assert self.principal is not None  # noqa: S101 - only authenticated operations ask
        return self.principal

    @property
    def actor(self) -> Actor:
        """Who is acting, for audit events: the principal, through the API, from this address."""
        return Actor.of(self.acting, API, client_address(self.request))

    @property
    def target(self) -> Account:
        assert self.account is not None  # noqa: S101 - only {AccountSid} operations ask
        return self.account


Handler = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    name: str
    summary: str
    handler: Handler
    params: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    auth: bool = True
    permission: Permission | None = None
    list_key: str | None = None
    tags: Sequence[str] = field(default_factory=tuple)
    body: Literal["form", "json"] = "form"  # POST/PUT bodies; IAM v1 OAuth apps take JSON


def parse_basic(header: str | None) -> tuple[str, str]:
    """(username, password) from a strictly decoded `Authorization: Basic` header."""
    if not header or not header[:6].lower() == "basic ":
        raise AuthenticationRequired("Authenticate")
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationRequired("Authenticate") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        raise AuthenticationRequired("Authenticate")
    return username, password


def client_address(request: Request) -> str:
    """The peer address the throttle counts by (proxies' X-Forwarded-For is not trusted)."""
    return request.client.host if request.client else "unknown"


async def authenticate(request: Request, runtime: Runtime) -> Principal:
    """The principal behind the request's HTTP Basic credentials or Bearer access token."""
    header = request.headers.get("authorization")
    if header is not None and header[:7].lower() == "bearer ":
        return await runtime.oauth.bearer.authenticate(header[7:].strip())
    username, password = parse_basic(header)
    return await runtime.authenticator.basic(username, password, client_address(request))


def base_url(call: Call) -> str:
    """Scheme and host the client used, for absolute links back to this server."""
    return str(call.request.base_url).rstrip("/")


_FIXED_HEADERS = [
    (b"content-type", b"application/json"),
    *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in JSON_HEADERS.items()),
]


class APIResponse(Response):
    """A JSON body with the API's fixed headers, built without Starlette's per-call header work
    (this is on every request's path)."""

    media_type = "application/json"

    def __init__(self, body: bytes, status_code: int = 200) -> None:
        self.status_code = status_code
        self.body = body
        self.background = None
        self.raw_headers = [*_FIXED_HEADERS, (b"content-length", str(len(body)).encode())]


def json_response(body: Any, status: int = 200) -> Response:
    return APIResponse(orjson.dumps(body), status)


def _endpoint(operations: dict[str, Operation]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        op = operations[method]
        runtime: Runtime = request.app.state.runtime
        principal = await authenticate(request, runtime) if op.auth else None
        if principal is not None and op.permission is not None:
            authorize(principal, op.permission)
        account = None
        raw_sid = request.path_params.get("AccountSid")
        if raw_sid is not None and principal is not None:
            sid = parse_account_sid(raw_sid)
            account = await runtime.accounts.resolve(principal, sid, write=method != "GET")
        query = decode_pairs(request.scope["query_string"])
        if op.body == "json" and method in ("POST", "PUT"):
            body = await json_object(request, runtime.settings.max_body_bytes)
            params = validate_json(op.params, body) if op.params is not None else None
        else:
            if method in ("POST", "PUT"):
                pairs = await form_pairs(request, runtime.settings.max_body_bytes)
            else:
                pairs = query
            params = validate_params(op.params, pairs) if op.params is not None else None
        result = await op.handler(Call(request, runtime, principal, account, params, query))
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(status_code=204, headers=JSON_HEADERS)
        return json_response(result, op.status)

    return endpoint


def build_routes(operations: Sequence[Operation]) -> list[Route]:
    """One Starlette route per path, dispatching on method (others get Twilio's 405 body)."""
    by_path: dict[str, dict[str, Operation]] = {}
    for op in operations:
        methods = by_path.setdefault(op.path, {})
        if op.method in methods:
            raise ValueError(f"{op.method} {op.path} is declared twice")
        methods[op.method] = op
    return [
        Route(path, _endpoint(methods), methods=list(methods), name=path)
        for path, methods in by_path.items()
    ]
