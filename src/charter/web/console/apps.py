"""The developer's pages: Connect apps listed, created, edited and deleted, and the Connect
button's HTML to paste on the developer's own site."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from charter.domain.connect import (
    APP_FIELDS,
    CALLBACK_METHODS,
    PERMISSIONS,
    PLAIN_WORDS,
    ConnectApp,
    wire_name,
)
from charter.domain.errors import DomainError, InvalidParameter, NotFound
from charter.domain.events import CONSOLE, Actor
from charter.domain.models import Account
from charter.domain.paging import PageRequest
from charter.services.console import SignedIn
from charter.web.console.pages import (
    Form,
    check_csrf,
    one,
    page,
    read_form,
    render,
    require_manager,
    runtime_of,
    see_other,
)
from charter.web.routing import client_address

PAGE_SIZE = 50
# The form's fields: the API's names, the service's names.
FIELDS = tuple((wire_name(name), name) for name in APP_FIELDS if name != "permissions")
BUTTON_STYLE = (
    "display:inline-block;padding:10px 18px;border-radius:6px;background:#f22f46;"
    "color:#ffffff;font:600 15px/1.2 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
    "text-decoration:none"
)


def button_html(public_url: str, app: ConnectApp) -> str:
    """The Connect button: self-contained (inline style, no external assets), linking to the
    consent page with a `state` the developer replaces with their own value."""
    href = f"{public_url.rstrip('/')}/authorize/{quote(app.sid, safe='')}?state=YOUR_STATE"
    label = escape(f"Connect {app.friendly_name}")
    return f'<a href="{escape(href)}" style="{BUTTON_STYLE}">{label}</a>'


def actor(request: Request, session: SignedIn) -> Actor:
    """The signed-in user, through the console, from the request's address."""
    return Actor("user", session.user.sid, CONSOLE, client_address(request))


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "0")
    if not raw.isdigit() or len(raw) > 6:
        raise InvalidParameter("page must be a small non-negative number")
    return int(raw)


def _fields(form: Form) -> dict[str, object]:
    """The service's fields from the form (every field, so an emptied one is cleared)."""
    fields: dict[str, object] = {name: one(form, wire).strip() for wire, name in FIELDS}
    fields["permissions"] = form.get("Permissions", [])
    return fields


def _values(app: ConnectApp | None, form: Form | None) -> dict[str, object]:
    """What the form shows: the submitted values after an error, else the app's."""
    if form is not None:
        values: dict[str, object] = {wire: one(form, wire) for wire, _ in FIELDS}
        values["Permissions"] = form.get("Permissions", [])
        return values
    values = {wire: (getattr(app, name) or "") if app else "" for wire, name in FIELDS}
    values["Permissions"] = list(app.permissions) if app else []
    values["DeauthorizeCallbackMethod"] = values["DeauthorizeCallbackMethod"] or "POST"
    return values


def _form_page(
    request: Request,
    session: SignedIn,
    app: ConnectApp | None,
    form: Form | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    public_url = runtime_of(request).settings.public_url
    return render(
        request, "app_form.html", session, status,
        app=app, values=_values(app, form), error=error, permissions=PERMISSIONS,
        plain_words=PLAIN_WORDS, methods=CALLBACK_METHODS,
        button=button_html(public_url, app) if app else None,
    )  # fmt: skip


async def _own_app(request: Request, account: Account) -> ConnectApp:
    sid = request.path_params["sid"]
    if len(sid) != 34:
        raise NotFound(f"The Connect app {sid} was not found")
    return await runtime_of(request).connect.get_app(account, sid)


@page
async def list_apps(request: Request) -> Response:
    session, account = await require_manager(request)
    number = page_number(request)
    found = await runtime_of(request).connect.list_apps(
        account, PageRequest(size=PAGE_SIZE, page=number)
    )
    return render(request, "apps.html", session, apps=found, page=number)


@page
async def new_app_form(request: Request) -> Response:
    session, _ = await require_manager(request)
    return _form_page(request, session, None)


@page
async def create_app(request: Request) -> Response:
    form = await read_form(request)
    session, account = await require_manager(request)
    check_csrf(request, session, form)
    try:
        app = await runtime_of(request).connect.create_app(
            account, _fields(form), actor(request, session)
        )
    except DomainError as exc:
        if exc.status >= 500:  # pragma: no cover - only input errors are expected
            raise
        return _form_page(request, session, None, form, exc.message, exc.status)
    return see_other(f"/console/apps/{app.sid}")


@page
async def edit_app_form(request: Request) -> Response:
    session, account = await require_manager(request)
    return _form_page(request, session, await _own_app(request, account))


@page
async def update_app(request: Request) -> Response:
    form = await read_form(request)
    session, account = await require_manager(request)
    check_csrf(request, session, form)
    app = await _own_app(request, account)
    try:
        await runtime_of(request).connect.update_app(
            account, app.sid, _fields(form), actor(request, session)
        )
    except DomainError as exc:
        if exc.status >= 500 or exc.status == 404:  # pragma: no cover - input errors only
            raise
        return _form_page(request, session, app, form, exc.message, exc.status)
    return see_other(f"/console/apps/{app.sid}")


@page
async def delete_app(request: Request) -> Response:
    form = await read_form(request)
    session, account = await require_manager(request)
    check_csrf(request, session, form)
    app = await _own_app(request, account)
    await runtime_of(request).connect.delete_app(account, app.sid, actor(request, session))
    return see_other("/console/apps")
