"""What every console and consent page shares: templates, security headers, cookies, CSRF.

Pages are server-rendered Jinja2 with autoescaping on, so every reflected value is escaped, and
work without JavaScript. Every response carries `X-Frame-Options: DENY`, a CSP with
`frame-ancestors 'none'` and nothing from other origins but `https:` images (app logos),
`Referrer-Policy: no-referrer` and `Cache-Control: no-store`.

CSRF: signed-in forms carry the session's CSRF token (kept in its database row); the sign-in and
sign-up forms, before any session exists, carry the value of a random `HttpOnly` cookie (double
submit). Both are compared in constant time. In production both cookies get the `__Host-` prefix
(`Secure`, `Path=/`, no `Domain`), so a sibling host cannot plant them.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from charter.domain.console import HOME, SESSION_LIFETIME
from charter.domain.errors import DomainError, InvalidParameter
from charter.domain.models import Account
from charter.runtime import Runtime
from charter.services.console import SignedIn
from charter.web.twilio import form_pairs

CSP = (
    "default-src 'self'; img-src 'self' https:; style-src 'self'; script-src 'none'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
}
CSRF_FIELD = "csrf_token"

_templates = Environment(
    loader=PackageLoader("charter.web.console", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
)

Form = Mapping[str, list[str]]
PageHandler = Callable[[Request], Awaitable[Response]]


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _production(request: Request) -> bool:
    return runtime_of(request).settings.is_production


def session_cookie(request: Request) -> str:
    return "__Host-charter_session" if _production(request) else "charter_session"


def csrf_cookie(request: Request) -> str:
    return "__Host-charter_csrf" if _production(request) else "charter_csrf"


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=_production(request),
        httponly=True,
        samesite="lax",
    )


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    lifetime = int(SESSION_LIFETIME.total_seconds())
    set_cookie(request, response, session_cookie(request), token, lifetime)


def clear_session_cookie(request: Request, response: Response) -> None:
    set_cookie(request, response, session_cookie(request), "", 0)


async def signed_in(request: Request) -> SignedIn | None:
    """The request's valid session, or None; looked up in the database every time, so a
    sign-out on any instance ends it everywhere at once."""
    if "console_session" not in request.scope:
        token = request.cookies.get(session_cookie(request))
        request.scope["console_session"] = await runtime_of(request).console.session(token)
    session: SignedIn | None = request.scope["console_session"]
    return session


def _anonymous_csrf(request: Request) -> tuple[str, bool]:
    """The pre-session CSRF token, and whether it is new (to be set as a cookie)."""
    existing = request.cookies.get(csrf_cookie(request))
    if existing and 32 <= len(existing) <= 128:
        return existing, False
    return secrets.token_urlsafe(32), True


def render(
    request: Request,
    template: str,
    session: SignedIn | None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> Response:
    """`template` rendered with `context`, the CSRF token of its forms and the security
    headers; sets the pre-session CSRF cookie when an anonymous browser has none."""
    new_csrf = None
    if session is not None:
        token = session.csrf_token
    else:
        token, is_new = _anonymous_csrf(request)
        new_csrf = token if is_new else None
    html = _templates.get_template(template).render(
        signed_in=session, csrf_token=token, csrf_field=CSRF_FIELD, **context
    )
    response = HTMLResponse(html, status, headers={**PAGE_HEADERS, **(headers or {})})
    if new_csrf is not None:
        set_cookie(request, response, csrf_cookie(request), new_csrf, 24 * 3600)
    return response


def error_page(
    request: Request,
    session: SignedIn | None,
    status: int,
    title: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return render(request, "error.html", session, status, headers, title=title, message=message)


def see_other(location: str, headers: Mapping[str, str] | None = None) -> Response:
    """303 See Other: after every POST (never 307, which would resend the form)."""
    return RedirectResponse(location, 303, headers={**PAGE_HEADERS, **(headers or {})})


def sign_in_url(next_path: str) -> str:
    return "/console/sign-in?next=" + quote(next_path, safe="")


def here(request: Request) -> str:
    """This request's path and query, for a `next` parameter back to it."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def read_form(request: Request) -> Form:
    """The urlencoded body as lists of values (strictly decoded, size-limited)."""
    pairs = await form_pairs(request, runtime_of(request).settings.max_body_bytes)
    form: dict[str, list[str]] = {}
    for key, value in pairs:
        form.setdefault(key, []).append(value)
    return form


def one(form: Form, name: str) -> str:
    """The single value of `name` ("" when absent); a repeated field is a bad request."""
    values = form.get(name, [])
    if len(values) > 1:
        raise InvalidParameter(f"The field {name} was given more than once")
    return values[0] if values else ""


def csrf_ok(given: str, expected: str | None) -> bool:
    """Constant-time comparison of the form's token with the expected one."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def anonymous_csrf_ok(request: Request, form: Form) -> bool:
    """The sign-in and sign-up forms' double-submit check against the pre-session cookie."""
    return csrf_ok(one(form, CSRF_FIELD), request.cookies.get(csrf_cookie(request)))


def csrf_refused(request: Request, session: SignedIn | None) -> Response:
    return error_page(
        request,
        session,
        403,
        "Form expired",
        "This form could not be verified (its security token is missing or out of date). "
        "Go back, reload the page and try again.",
    )


class Halt(Exception):
    """Raised by a page to answer with `response` at once (a redirect to sign in, a refusal)."""

    def __init__(self, response: Response) -> None:
        super().__init__("halt")
        self.response = response


async def require_user(request: Request) -> SignedIn:
    """The signed-in user; otherwise halts with a 303 to sign in and come back here (GET) or
    to the console's home (POST)."""
    session = await signed_in(request)
    if session is None:
        back = here(request) if request.method == "GET" else HOME
        raise Halt(see_other(sign_in_url(back)))
    return session


async def require_manager(request: Request) -> tuple[SignedIn, Account]:
    """The signed-in user and the account the console acts on (their first membership with a
    managing role); halts with a 403 page for a user with no such membership."""
    session = await require_user(request)
    if session.account is None:
        raise Halt(
            error_page(
                request,
                session,
                403,
                "Not allowed",
                "Only owners, administrators and developers of an account manage its Connect "
                "apps and authorize apps for it.",
            )
        )
    return session, session.account


def check_csrf(request: Request, session: SignedIn, form: Form) -> None:
    """Halts with a 403 page unless the form carries the session's CSRF token."""
    if not csrf_ok(one(form, CSRF_FIELD), session.csrf_token):
        raise Halt(csrf_refused(request, session))


def page(handler: PageHandler) -> PageHandler:
    """Domain errors (bad input, not found, throttled…) become an HTML error page with their
    status, never a JSON body or a 500."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Halt as halt:
            return halt.response
        except DomainError as exc:
            session = request.scope.get("console_session")
            title = "Not found" if exc.status == 404 else "Something is not right"
            return error_page(request, session, exc.status, title, exc.message, exc.headers)

    return endpoint
