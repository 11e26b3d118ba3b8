"""The `charter` command: serve, database migrations and administration."""

from __future__ import annotations

import click

from charter import __version__
from charter.cli.accounts import accounts
from charter.cli.db import db
from charter.cli.serve import serve


@click.group()
@click.version_option(__version__, prog_name="charter")
def main() -> None:
    """Charter: a self-hostable, Twilio-compatible delegated-access platform."""


main.add_command(serve)
main.add_command(db)
main.add_command(accounts)
