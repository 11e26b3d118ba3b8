"""The ASGI application: `create_app(settings)` wires the runtime, the route table and errors."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from charter.domain.clock import Clock
from charter.domain.errors import DomainError
from charter.runtime import build_runtime
from charter.settings import Settings
from charter.web import api, clock as test_clock, console, errors, oauth
from charter.web.openapi import docs_page, openapi_document
from charter.web.routing import build_routes

log = logging.getLogger("charter")

_PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(
    settings: Settings,
    clock: Clock | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """The whole HTTP surface for `settings`. The schema must already be migrated.

    `webhook_transport` replaces the webhook worker's network transport (tests).
    """
    settings.validate()
    runtime = build_runtime(settings, clock, webhook_transport)
    operations = api.operations()
    if settings.test_clock:
        operations += test_clock.OPERATIONS
    document = openapi_document(operations, settings.public_url)
    reference = docs_page(operations)

    async def healthz(request: Request) -> Response:
        ready = runtime.follower.healthy()
        return JSONResponse({"status": "ok" if ready else "starting"}, 200 if ready else 503)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    async def docs(request: Request) -> Response:
        return HTMLResponse(reference, headers=_PAGE_HEADERS)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        *oauth.routes(),
        *console.routes(),
        *build_routes(operations),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not settings.is_production:
            log.warning("Charter is running in development mode (CHARTER_ENV=development)")
        if settings.test_clock:
            log.warning(
                "the test clock is on (CHARTER_TEST_CLOCK=1): anyone can move this server's "
                "time forward with POST %s, without authentication",
                test_clock.PATH,
            )
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            DomainError: errors.on_domain_error,
            HTTPException: errors.on_http_exception,
            Exception: errors.on_unexpected,
        },
    )
    app.state.runtime = runtime
    return app


def app_from_env() -> Starlette:
    """Factory for `uvicorn --factory` (what `charter serve --workers N` runs in each worker)."""
    return create_app(Settings.from_env(os.environ))
