"""The console (`/console/…`) and the Connect consent page (`/authorize/{ConnectAppSid}`):
server-rendered HTML that works without JavaScript. See docs/console.md."""

from __future__ import annotations

from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from charter.web.console import apps, auth, consent, customer

_CSS = resources.files(__package__).joinpath("static/console.css").read_bytes()


async def _stylesheet(request: Request) -> Response:
    return Response(
        _CSS,
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


def routes() -> list[BaseRoute]:
    """The console's and the consent page's routes."""
    return [
        Route("/console/static/console.css", _stylesheet, methods=["GET"]),
        Route("/console/", auth.home, methods=["GET"]),
        Route("/console/sign-in", auth.sign_in_form, methods=["GET"]),
        Route("/console/sign-in", auth.sign_in, methods=["POST"]),
        Route("/console/sign-up", auth.sign_up_form, methods=["GET"]),
        Route("/console/sign-up", auth.sign_up, methods=["POST"]),
        Route("/console/sign-out", auth.sign_out, methods=["POST"]),
        Route("/console/apps", apps.list_apps, methods=["GET"]),
        Route("/console/apps/new", apps.new_app_form, methods=["GET"]),
        Route("/console/apps/new", apps.create_app, methods=["POST"]),
        Route("/console/apps/{sid}", apps.edit_app_form, methods=["GET"]),
        Route("/console/apps/{sid}", apps.update_app, methods=["POST"]),
        Route("/console/apps/{sid}/delete", apps.delete_app, methods=["POST"]),
        Route("/console/authorized-apps", customer.authorized_apps, methods=["GET"]),
        Route("/console/authorized-apps/{sid}/revoke", customer.revoke, methods=["POST"]),
        Route("/console/webhooks", customer.deliveries, methods=["GET"]),
        Route("/authorize/{sid}", consent.consent, methods=["GET"]),
        Route("/authorize/{sid}", consent.decide, methods=["POST"]),
    ]
