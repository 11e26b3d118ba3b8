"""The customer's pages: the Connect apps authorized for the account, with a Revoke button, and
the developer's webhook delivery log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from charter.domain.connect import PLAIN_WORDS
from charter.domain.errors import NotFound
from charter.domain.paging import PageRequest
from charter.web.console.apps import PAGE_SIZE, actor, page_number
from charter.web.console.pages import (
    check_csrf,
    page,
    read_form,
    render,
    require_manager,
    runtime_of,
    see_other,
)


@page
async def authorized_apps(request: Request) -> Response:
    session, account = await require_manager(request)
    number = page_number(request)
    found = await runtime_of(request).connect.authorized_apps(
        account, PageRequest(size=PAGE_SIZE, page=number)
    )
    return render(
        request, "authorized_apps.html", session,
        authorized=found, page=number, plain_words=PLAIN_WORDS,
    )  # fmt: skip


@page
async def revoke(request: Request) -> Response:
    form = await read_form(request)
    session, account = await require_manager(request)
    check_csrf(request, session, form)
    sid = request.path_params["sid"]
    if len(sid) != 34:
        raise NotFound(f"No authorization of the Connect app {sid} was found")
    await runtime_of(request).connect.revoke(account, sid, actor(request, session))
    return see_other("/console/authorized-apps")


@page
async def deliveries(request: Request) -> Response:
    session, account = await require_manager(request)
    number = page_number(request)
    found = await runtime_of(request).webhooks.deliveries(
        account.sid, PageRequest(size=PAGE_SIZE, page=number)
    )
    return render(request, "deliveries.html", session, deliveries=found, page=number)
