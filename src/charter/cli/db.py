"""`charter db upgrade|current`: schema migrations for operators."""

from __future__ import annotations

import click

from charter.cli.common import load_settings
from charter.storage import migrate


@click.group()
def db() -> None:
    """Database schema migrations (Alembic)."""


@db.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Bring the schema up to REVISION (default: the newest)."""
    settings = load_settings()
    try:
        migrate.upgrade(settings.database_url, revision)
        now = migrate.current_revision(settings.database_url)
    except Exception as exc:
        raise click.ClickException(f"cannot migrate the database: {exc}") from None
    click.echo(f"database at revision {now}")


@db.command("current")
def current() -> None:
    """Show the database's revision and the newest one this Charter knows."""
    settings = load_settings()
    try:
        revision = migrate.current_revision(settings.database_url)
    except Exception as exc:
        raise click.ClickException(f"cannot open the database: {exc}") from None
    click.echo(f"current: {revision or 'none'}")
    click.echo(f"head:    {migrate.head_revision()}")
