"""Signing up, in and out, and the console's home page (the account's SID and auth token)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from charter.domain.console import safe_next
from charter.domain.errors import (
    AuthenticationRequired,
    DomainError,
    InvalidParameter,
    TooManyRequests,
)
from charter.domain.money import format_units
from charter.services.console import NewSession
from charter.web.console.pages import (
    anonymous_csrf_ok,
    check_csrf,
    clear_session_cookie,
    csrf_refused,
    one,
    page,
    read_form,
    render,
    require_user,
    runtime_of,
    see_other,
    session_cookie,
    set_session_cookie,
    signed_in,
)
from charter.web.routing import client_address


@page
async def home(request: Request) -> Response:
    session = await require_user(request)
    balance = None
    if session.account is not None:
        balance = format_units(await runtime_of(request).billing.balance(session.account), 2)
    return render(request, "home.html", session, account=session.account, balance=balance)


async def _anonymous_form(request: Request, template: str) -> Response:
    """The sign-in or sign-up form; a browser already signed in goes straight to `next`."""
    target = safe_next(request.query_params.get("next"))
    if await signed_in(request) is not None:
        return see_other(target)
    return render(request, template, None, next=target, email="", error=None)


async def _start_session(
    request: Request,
    template: str,
    attempt: Callable[[str, str, str], Awaitable[NewSession]],
    refused: tuple[type[DomainError], ...],
) -> Response:
    """Sign in or up from the posted form: on success the session cookie and a redirect to
    `next`; on one of the `refused` errors the form again with its message and status."""
    form = await read_form(request)
    target = safe_next(one(form, "next"))
    email = one(form, "email")
    if not anonymous_csrf_ok(request, form):
        return csrf_refused(request, None)
    try:
        new = await attempt(email, one(form, "password"), client_address(request))
    except refused as exc:
        return render(
            request, template, None, exc.status, exc.headers,
            next=target, email=email, error=exc.message,
        )  # fmt: skip
    response = see_other(target)
    set_session_cookie(request, response, new.token)
    return response


@page
async def sign_in_form(request: Request) -> Response:
    return await _anonymous_form(request, "sign_in.html")


@page
async def sign_in(request: Request) -> Response:
    sign_in = runtime_of(request).console.sign_in
    return await _start_session(
        request, "sign_in.html", sign_in, (AuthenticationRequired, TooManyRequests)
    )


@page
async def sign_up_form(request: Request) -> Response:
    return await _anonymous_form(request, "sign_up.html")


@page
async def sign_up(request: Request) -> Response:
    sign_up = runtime_of(request).console.sign_up
    return await _start_session(request, "sign_up.html", sign_up, (InvalidParameter,))


@page
async def sign_out(request: Request) -> Response:
    form = await read_form(request)
    session = await require_user(request)
    check_csrf(request, session, form)
    await runtime_of(request).console.sign_out(request.cookies.get(session_cookie(request)))
    response = see_other("/console/sign-in")
    clear_session_cookie(request, response)
    return response
