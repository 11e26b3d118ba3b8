"""Signing up, in and out, and the console's home page (the account's SID and auth token)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from charter.domain.console import safe_next
from charter.domain.errors import AuthenticationRequired, InvalidParameter, TooManyRequests
from charter.domain.money import format_units
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


@page
async def sign_in_form(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    session = await signed_in(request)
    if session is not None:
        return see_other(target)
    return render(request, "sign_in.html", None, next=target, email="", error=None)


@page
async def sign_in(request: Request) -> Response:
    form = await read_form(request)
    target = safe_next(one(form, "next"))
    email = one(form, "email")
    if not anonymous_csrf_ok(request, form):
        return csrf_refused(request, None)
    try:
        new = await runtime_of(request).console.sign_in(
            email, one(form, "password"), client_address(request)
        )
    except (AuthenticationRequired, TooManyRequests) as exc:
        status = 429 if isinstance(exc, TooManyRequests) else 401
        return render(
            request, "sign_in.html", None, status, exc.headers,
            next=target, email=email, error=exc.message,
        )  # fmt: skip
    response = see_other(target)
    set_session_cookie(request, response, new.token)
    return response


@page
async def sign_up_form(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    session = await signed_in(request)
    if session is not None:
        return see_other(target)
    return render(request, "sign_up.html", None, next=target, email="", error=None)


@page
async def sign_up(request: Request) -> Response:
    form = await read_form(request)
    target = safe_next(one(form, "next"))
    email = one(form, "email")
    if not anonymous_csrf_ok(request, form):
        return csrf_refused(request, None)
    try:
        new = await runtime_of(request).console.sign_up(
            email, one(form, "password"), client_address(request)
        )
    except InvalidParameter as exc:
        return render(
            request, "sign_up.html", None, 400, next=target, email=email, error=exc.message
        )
    response = see_other(target)
    set_session_cookie(request, response, new.token)
    return response


@page
async def sign_out(request: Request) -> Response:
    form = await read_form(request)
    session = await require_user(request)
    check_csrf(request, session, form)
    await runtime_of(request).console.sign_out(request.cookies.get(session_cookie(request)))
    response = see_other("/console/sign-in")
    clear_session_cookie(request, response)
    return response
