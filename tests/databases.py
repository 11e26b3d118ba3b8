"""Test databases: a migrated SQLite file per test, or a fresh PostgreSQL database per run.

`CHARTER_TEST_DATABASE=postgres` runs the suite on PostgreSQL at `CHARTER_TEST_POSTGRES_URL`
(default `postgresql://postgres@127.0.0.1:5432/test`, used only to create fresh databases).
When no server answers, the suite skips with a reason, unless `CI` is set, when it fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest

from charter.storage.migrate import upgrade

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
TEST_VARIABLES = ("CHARTER_TEST_DATABASE", "CHARTER_TEST_POSTGRES_URL")
"""The suite's own variables; every other `CHARTER_*` one (`CHARTER_TEST_CLOCK` too) is cleared."""


def backend() -> str:
    return os.environ.get("CHARTER_TEST_DATABASE", "sqlite")


def postgres_server_url() -> str:
    return os.environ.get("CHARTER_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(postgres_server_url(), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def require_postgres() -> None:
    """Skip (or, under CI, fail) when the PostgreSQL server does not answer."""
    try:
        asyncio.run(_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        reason = f"PostgreSQL at {postgres_server_url()} did not answer: {exc}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this is a failure)", pytrace=False)
        pytest.skip(reason)


def create_postgres_database() -> str:
    """A new, migrated, empty database on the test server; returns its URL."""
    require_postgres()
    name = f"charter_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = _with_database(postgres_server_url(), name)
    upgrade(url)
    return url


def drop_postgres_database(url: str) -> None:
    name = url.rpartition("/")[2]
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate(url: str) -> None:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"
        )
        names = ", ".join(f'"{t["tablename"]}"' for t in tables)
        if names:
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


def truncate_postgres(url: str) -> None:
    asyncio.run(_truncate(url))


def sqlite_template(directory: Path) -> Path:
    """A migrated SQLite file to copy for each test."""
    template = directory / "template.db"
    upgrade(f"sqlite:///{template}")
    return template


def fresh_sqlite(template: Path, directory: Path) -> str:
    path = directory / f"{uuid.uuid4().hex}.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"
