"""`charter worker`: the webhook worker alone, for deployments that run it apart from `serve`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import click

from charter.cli.common import load_settings
from charter.runtime import build_runtime
from charter.settings import SettingsError
from charter.storage.migrate import upgrade


@click.command()
def worker() -> None:
    """Deliver webhooks from the outbox until stopped (SIGTERM or Ctrl+C).

    Run any number beside `charter serve` instances (set CHARTER_WEBHOOK_WORKER=0 on those to
    leave delivery to the workers alone); they share the work through the database.
    """
    settings = load_settings(webhook_worker=True)
    try:
        settings.validate()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        upgrade(settings.database_url)
    except Exception as exc:
        raise click.ClickException(f"cannot open the database: {exc}") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    async def run() -> None:
        runtime = build_runtime(settings)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):  # platforms without signal handlers
                loop.add_signal_handler(sig, stopping.set)
        try:
            await runtime.follower.start()  # the test clock and wake-ups come through the feed
            if runtime.test_clock is not None:
                await runtime.test_clock.load()
            runtime.webhook_worker.start()
            click.echo("charter worker: delivering webhooks (SIGTERM or Ctrl+C stops)", err=True)
            await stopping.wait()
        finally:
            await runtime.stop()
        click.echo("charter worker: stopped", err=True)

    asyncio.run(run())
