"""`charter serve`: migrate, optionally seed demo data, and run the HTTP server."""

from __future__ import annotations

import dataclasses
import os

import click
import uvicorn

from charter.cli.common import load_settings, run_with_runtime
from charter.runtime import Runtime
from charter.services.demo import DemoLogin, seed_demo
from charter.settings import SettingsError


def _print_demo(logins: list[DemoLogin], base: str) -> None:
    click.echo("\nDemo data (development only):")
    for login in logins:
        click.echo(f"  {login.label}: account {login.account.sid}")
        click.echo(f"    auth token  {login.account.auth_token}")
        click.echo(f"    owner user  {login.email} / {login.password} (console: {base}/console/)")
    dev = logins[0].account
    click.echo("\nTry next:")
    click.echo(f"  curl -u {dev.sid}:{dev.auth_token} {base}/2010-04-01/Accounts/{dev.sid}.json")
    click.echo(
        f"  curl -u {dev.sid}:{dev.auth_token} -d FriendlyName=Sub {base}/2010-04-01/Accounts.json"
    )
    click.echo(f"  API reference: {base}/docs   (README: pointing the twilio library here)\n")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, help="Worker processes (default: CHARTER_WORKERS or 1).")
@click.option("--demo", is_flag=True, help="Seed a developer and a customer account (development).")
def serve(host: str, port: int, workers: int | None, demo: bool) -> None:
    """Migrate the database and serve the API on one port."""
    settings = load_settings()
    if workers is not None:
        if workers < 1:
            raise click.BadParameter("must be at least 1", param_hint="--workers")
        settings = dataclasses.replace(settings, workers=workers)
    try:
        settings.validate()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    if demo and settings.is_production:
        raise click.ClickException("--demo is for development only")
    for problem in settings.problems():
        if not settings.is_production:
            click.echo(f"development: {problem}", err=True)

    async def prepare(runtime: Runtime) -> list[DemoLogin]:
        return await seed_demo(runtime.accounts, runtime.uow) if demo else []

    logins = run_with_runtime(settings, prepare)
    if logins:
        _print_demo(logins, f"http://{host}:{port}")
    os.environ["CHARTER_WORKERS"] = str(settings.workers)
    uvicorn.run(
        "charter.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=settings.workers,
        log_level="info",
        access_log=False,
        server_header=False,
    )
