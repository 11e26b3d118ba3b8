"""Migrations: head builds exactly the schema `tables.py` declares, and base and head round-trip."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from charter.storage.engine import make_engine
from charter.storage.migrate import (
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from charter.storage.tables import Base

TABLES = set(Base.metadata.tables)


def _inspect(database_url: str) -> tuple[list[Any], set[str]]:
    """(autogenerate's differences from `tables.py`, the tables present)."""

    def read(connection: Connection) -> tuple[list[Any], set[str]]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata), set(inspect(connection).get_table_names())

    async def run() -> tuple[list[Any], set[str]]:
        engine = make_engine(database_url, pooled=False)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_the_revisions_form_one_line_from_base_to_a_single_head() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1
    assert head_revision() == scripts.get_current_head()
    chain = list(scripts.walk_revisions())
    assert chain[-1].down_revision is None
    assert [r.revision for r in chain[1:]] == [r.down_revision for r in chain[:-1]]


def test_an_empty_sqlite_database_upgrades_to_exactly_the_declared_schema(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert current_revision(url) is None
    upgrade(url)
    assert current_revision(url) == head_revision()
    differences, tables = _inspect(url)
    assert differences == []
    assert tables == TABLES | {"alembic_version"}


def test_the_test_database_is_at_head_with_no_autogenerate_differences(database_url: str) -> None:
    # SQLite, or PostgreSQL under CHARTER_TEST_DATABASE=postgres (migrated by the fixture).
    assert current_revision(database_url) == head_revision()
    differences, tables = _inspect(database_url)
    assert differences == []
    assert tables >= TABLES


def test_downgrade_to_base_then_upgrade_again(database_url: str) -> None:
    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    _, tables = _inspect(database_url)
    assert tables & TABLES == set()
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    differences, tables = _inspect(database_url)
    assert differences == []
    assert tables >= TABLES


def test_upgrading_a_database_already_at_head_changes_nothing(database_url: str) -> None:
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert _inspect(database_url)[0] == []
