"""Errors rendered in one place: Twilio's `{code, message, more_info, status}` for the REST API.

`DomainError`s carry their code and status; Starlette's own 404/405 become Twilio errors too; an
unexpected exception becomes a 500 with no detail and is logged with its trace.
"""

from __future__ import annotations

import json
import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from charter.domain.errors import DomainError, MethodNotAllowed, NotFound

log = logging.getLogger("charter.web")

JSON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def error_body(code: int, message: str, status: int, docs_url: str) -> dict[str, object]:
    return {"code": code, "message": message, "more_info": f"{docs_url}/{code}", "status": status}


def twilio_error(error: DomainError, docs_url: str) -> Response:
    body = error_body(error.code, error.message, error.status, docs_url)
    headers = {**JSON_HEADERS, **error.headers}
    if error.status == 401 and "WWW-Authenticate" not in headers:
        headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    return Response(
        json.dumps(body), status_code=error.status, headers=headers, media_type="application/json"
    )


def _docs_url(request: Request) -> str:
    runtime = getattr(request.app.state, "runtime", None)
    return runtime.settings.error_docs_url if runtime else "https://www.twilio.com/docs/errors"


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)  # noqa: S101 - registered for DomainError only
    return twilio_error(exc, _docs_url(request))


async def on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for HTTPException only
    error: DomainError
    if exc.status_code == 405:
        error = MethodNotAllowed(
            f"Method {request.method} is not allowed on {request.url.path}",
            headers=exc.headers,  # Starlette's `Allow`, which RFC 9110 requires on a 405
        )
    elif exc.status_code == 404:
        error = NotFound(f"The requested resource {request.url.path} was not found")
    else:
        error = DomainError(str(exc.detail))
        error.status = exc.status_code
    return twilio_error(error, _docs_url(request))


async def on_unexpected(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    body = error_body(20500, "An internal server error occurred", 500, _docs_url(request))
    return Response(
        json.dumps(body), status_code=500, headers=JSON_HEADERS, media_type="application/json"
    )
