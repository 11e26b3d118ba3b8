"""The `charter` command: serve, database migrations and administration."""

from __future__ import annotations

from typing import Any

import click

from charter import __version__
from charter.cli.accounts import accounts
from charter.cli.db import db
from charter.cli.serve import serve
from charter.cli.signing_keys import signing_keys
from charter.cli.worker import worker
from charter.domain.errors import DomainError


class _Group(click.Group):
    """Turns any `DomainError` a command raises into a clean one-line error (exit code 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="charter")
def main() -> None:
    """Charter: a self-hostable, Twilio-compatible delegated-access platform."""


main.add_command(serve)
main.add_command(db)
main.add_command(accounts)
main.add_command(signing_keys)
main.add_command(worker)
