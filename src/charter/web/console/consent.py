"""The Connect consent flow at `/authorize/{ConnectAppSid}?state=…`, as on Twilio.

GET shows who asks for what (after signing in or up: the page links there with `next` back to
this exact URL). POST, with the session's CSRF token and `state` in a hidden field, records the
decision: `allow` authorizes the app for the signed-in user's account and sends the browser (303)
to the app's Authorize URL with `AccountSid` (the dedicated subaccount) and `state`; `deny` sends
it there with `error=unauthorized_client` and `state`. An unknown app is a plain error page,
never a redirect. No CORS headers are ever sent here.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response

from charter.domain.connect import PLAIN_WORDS, ConnectApp
from charter.domain.errors import InvalidParameter, NotFound
from charter.web.console.apps import actor
from charter.web.console.pages import (
    check_csrf,
    one,
    page,
    read_form,
    render,
    require_manager,
    runtime_of,
    see_other,
    sign_in_url,
    signed_in,
)
from charter.web.twilio import decode_pairs

STATE_LIMIT = 4096


async def _app(request: Request) -> ConnectApp:
    sid = request.path_params["sid"]
    app = await runtime_of(request).connect.find_app(sid) if len(sid) == 34 else None
    if app is None:
        raise NotFound("There is no Connect app at this address. Check the link you followed.")
    return app


def _state(values: list[str]) -> str | None:
    if len(values) > 1:
        raise InvalidParameter("The state parameter was given more than once")
    if not values or values[0] == "":
        return None
    if len(values[0]) > STATE_LIMIT:
        raise InvalidParameter(f"The state parameter is longer than {STATE_LIMIT} characters")
    return values[0]


def _here(app: ConnectApp, state: str | None) -> str:
    path = f"/authorize/{app.sid}"
    return path + ("?" + urlencode({"state": state}) if state is not None else "")


@page
async def consent(request: Request) -> Response:
    app = await _app(request)
    pairs = decode_pairs(request.scope["query_string"])
    state = _state([v for k, v in pairs if k == "state"])
    if await signed_in(request) is None:
        back = _here(app, state)
        return render(
            request, "consent_sign_in.html", None, app=app, sign_in=sign_in_url(back),
            sign_up="/console/sign-up?next=" + quote(back, safe=""),
        )  # fmt: skip
    session, account = await require_manager(request)
    return render(
        request, "consent.html", session,
        app=app, state=state, account=account, plain_words=PLAIN_WORDS,
    )  # fmt: skip


@page
async def decide(request: Request) -> Response:
    form = await read_form(request)
    app = await _app(request)
    state = _state(form.get("state", []))
    if await signed_in(request) is None:  # the session ended while the page was open
        return see_other(_here(app, state))
    session, account = await require_manager(request)
    check_csrf(request, session, form)
    decision = one(form, "decision")
    connect = runtime_of(request).connect
    if decision == "allow":
        authorization, _ = await connect.authorize(
            account, app.sid, session.user.sid, actor(request, session)
        )
        return see_other(connect.redirect_for(app, authorization, state))
    if decision == "deny":
        if not app.authorize_redirect_url:
            return render(request, "denied.html", session, app=app)
        return see_other(connect.denied_redirect_for(app, state))
    raise InvalidParameter("Choose Allow or Deny")
