"""OAuth endpoints: token (every path Twilio's 9.x libraries have used, and the standard one),
introspection, revocation, RFC 8414 metadata and the JWKS.

Requests are checked here (POST form only, no repeated or URL-borne credentials, size limits,
throttled client authentication), the named client is loaded, and Authlib decides. Errors are
RFC 6749 bodies, never Twilio's: these are OAuth endpoints.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from charter.domain.errors import AuthenticationRequired, DomainError
from charter.domain.ids import is_sid
from charter.domain.permissions import grantable_names
from charter.oauth.clients import AUTH_METHODS, Client, current_client
from charter.oauth.server import FormRequest, OAuthResponse
from charter.runtime import Runtime
from charter.web.routing import client_address, parse_basic
from charter.web.twilio import decode_pairs, form_pairs

NO_STORE = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
_URL_CREDENTIALS = ("client_secret", "client_assertion", "password", "code", "refresh_token")
# oauth v1 (and iam v1) take PascalCase fields; the same path serves snake_case too.
_PASCAL = {
    "GrantType": "grant_type",
    "ClientId": "client_id",
    "ClientSecret": "client_secret",
    "Code": "code",
    "RedirectUri": "redirect_uri",
    "Audience": "audience",
    "RefreshToken": "refresh_token",
    "Scope": "scope",
    "CodeVerifier": "code_verifier",
}

# Names that carry credentials, in either casing: refused in a query string.
_URL_FORBIDDEN = frozenset(
    {*_URL_CREDENTIALS, *(k for k, v in _PASCAL.items() if v in _URL_CREDENTIALS)}
)

Endpoint = Callable[[Request], Awaitable[Response]]


class BadRequest(Exception):
    def __init__(self, description: str, status: int = 400, error: str = "invalid_request"):
        super().__init__(description)
        self.description = description
        self.status = status
        self.error = error


class _JSONResponse(Response):
    """`Response(body, status, media_type="application/json")` whose extra headers replace
    same-named ones (later wins), built as raw headers at once: this is on every token and
    introspection request's path."""

    media_type = "application/json"

    def __init__(self, body: bytes, status: int, headers: list[tuple[str, str]]) -> None:
        self.status_code = status
        self.body = body
        self.background = None
        extra: dict[bytes, bytes] = {}
        for name, value in headers:
            key = name.lower().encode("latin-1")
            if key not in (b"content-type", b"content-length"):
                extra[key] = value.encode("latin-1")
        self.raw_headers = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
            *extra.items(),
        ]


def _json(status: int, body: dict[str, Any], headers: list[tuple[str, str]]) -> Response:
    return _JSONResponse(orjson.dumps(body), status, headers)


def _error(exc: BadRequest) -> Response:
    body = {"error": exc.error, "error_description": exc.description}
    headers = list(NO_STORE)
    if exc.status == 401:  # RFC 6749 §5.2 / RFC 9110 §11.6.1
        headers.append(("WWW-Authenticate", f'Basic error="{exc.error}"'))
    return _json(exc.status, body, headers)


async def _form(request: Request, runtime: Runtime, pascal: bool) -> dict[str, str]:
    """The form as one value per field: RFC 6749 §3.2 forbids repeats; empty means omitted."""
    query = {k for k, _ in decode_pairs(request.scope["query_string"])}
    if not _URL_FORBIDDEN.isdisjoint(query):
        raise BadRequest("Credentials must be sent in the request body or header, not the URL")
    try:
        pairs = await form_pairs(request, runtime.settings.max_body_bytes)
    except DomainError as exc:
        raise BadRequest(exc.message, 413 if exc.status == 413 else 400) from None
    form: dict[str, str] = {}
    for key, value in pairs:
        name = _PASCAL.get(key, key) if pascal else key
        if name in form:
            raise BadRequest(f"Parameter {name} was given more than once")
        if value != "":
            form[name] = value
    return form


def _client_id(request: Request, form: dict[str, str]) -> str | None:
    """The client a request names: HTTP Basic (RFC 6749 §2.3.1 form-encoding) or the form."""
    header = request.headers.get("authorization")
    if header is None or header[:6].lower() != "basic ":
        return form.get("client_id")
    try:
        username, _ = parse_basic(header)
    except AuthenticationRequired:
        raise BadRequest("Malformed Authorization header", 401, "invalid_client") from None
    return unquote(username) or None


async def _authenticated(
    request: Request, runtime: Runtime, form: dict[str, str], act: Callable[[FormRequest], Any]
) -> OAuthResponse:
    """Run `act` with the named client loaded, counting failed client authentications."""
    source = client_address(request)
    client_id = _client_id(request, form)
    throttle_key = client_id if client_id and len(client_id) <= 64 else "-"
    wait = runtime.throttle.retry_after(source, throttle_key)
    if wait is not None:
        raise BadRequest(
            "Too many failed client authentications; try again later", 429, "slow_down"
        )
    credentials = None
    if client_id is not None and is_sid(client_id, "OQ"):
        credentials = await runtime.directory.oauth_app(client_id)
    token = current_client.set(Client(client_id or "", credentials, runtime.clock.now()))
    try:
        # The issuer is the public URL; these routes' paths are literal.
        uri = runtime.oauth.issuer + request.scope["path"]
        response: OAuthResponse = act(FormRequest(uri, request.headers, form))
    finally:
        current_client.reset(token)
    if response.body.get("error") == "invalid_client":
        runtime.throttle.failed(source, throttle_key)
    elif client_id is not None:
        runtime.throttle.succeeded(source, throttle_key)
    return response


def token_endpoint(success_status: int, pascal: bool = False) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        try:
            form = await _form(request, runtime, pascal)
            if "audience" in form and form["audience"] != runtime.oauth.tokens.audience:
                raise BadRequest("Unknown audience", error="invalid_target")
            result = await _authenticated(request, runtime, form, runtime.oauth.server.token)
        except BadRequest as exc:
            return _error(exc)
        status = success_status if result.status == 200 else result.status
        return _json(status, result.body, [*result.headers, *NO_STORE])

    return endpoint


async def introspect(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        form = await _form(request, runtime, pascal=False)
        result = await _authenticated(request, runtime, form, runtime.oauth.server.introspect)
    except BadRequest as exc:
        return _error(exc)
    return _json(result.status, result.body, [*result.headers, *NO_STORE])


async def revoke(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    form_request: list[FormRequest] = []

    def act(req: FormRequest) -> OAuthResponse:
        form_request.append(req)
        return runtime.oauth.server.revoke(req)

    try:
        form = await _form(request, runtime, pascal=False)
        result = await _authenticated(request, runtime, form, act)
    except BadRequest as exc:
        return _error(exc)
    revoked = form_request[0].revoked if form_request else None
    if result.status == 200 and revoked is not None:
        try:
            await runtime.oauth.revoke(revoked)
        except Exception:  # RFC 7009 §2.2.1: the client may retry later
            return _error(BadRequest("Try again later", 503, "temporarily_unavailable"))
    return _json(result.status, result.body, [*result.headers, *NO_STORE])


def metadata_document(runtime: Runtime) -> dict[str, Any]:
    issuer = runtime.oauth.issuer
    methods = list(AUTH_METHODS)
    return {
        "issuer": issuer,
        "token_endpoint": f"{issuer}/oauth2/token",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "introspection_endpoint": f"{issuer}/oauth2/introspect",
        "revocation_endpoint": f"{issuer}/oauth2/revoke",
        "grant_types_supported": ["client_credentials"],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": methods,
        "introspection_endpoint_auth_methods_supported": methods,
        "revocation_endpoint_auth_methods_supported": methods,
        "scopes_supported": sorted(grantable_names()),
        "service_documentation": f"{issuer}/docs",
    }


async def metadata(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    return _json(200, metadata_document(runtime), [("Cache-Control", "public, max-age=300")])


async def jwks(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    return _json(200, runtime.oauth.keyring.jwks(), [("Cache-Control", "public, max-age=300")])


def routes() -> list[Route]:
    return [
        Route("/v2/token", token_endpoint(200), methods=["POST"]),
        Route("/v1/token", token_endpoint(201, pascal=True), methods=["POST"]),
        Route("/oauth2/token", token_endpoint(200), methods=["POST"]),
        Route("/oauth2/introspect", introspect, methods=["POST"]),
        Route("/oauth2/revoke", revoke, methods=["POST"]),
        Route("/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
    ]
