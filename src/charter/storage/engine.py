"""Engines: the configured URL normalised to an async driver, with SQLite's pragmas set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool


def async_url(database_url: str) -> URL:
    """`sqlite:` → aiosqlite, `postgresql:`/`postgres:` → asyncpg; explicit drivers are kept."""
    url = make_url(database_url.replace("postgres://", "postgresql://", 1))
    if url.drivername == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    if url.drivername == "postgresql":
        return url.set(drivername="postgresql+asyncpg")
    return url


def sqlite_path(database_url: str) -> str | None:
    """The file behind a SQLite URL, or None for PostgreSQL and in-memory SQLite."""
    url = async_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


def make_engine(database_url: str, *, pooled: bool = True) -> AsyncEngine:
    """An async engine for `database_url`; SQLite gets WAL, foreign keys and a busy timeout."""
    url = async_url(database_url)
    kwargs: dict[str, Any] = {}
    if not pooled:
        kwargs["poolclass"] = NullPool
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)
