"""Engines: the configured URL normalised to an async driver, with SQLite's pragmas set.

Two engines per database: the write engine, whose units of work are one transaction each, and the
read engine (`make_read_engine`, decision 0008), in autocommit with writes refused by the database
itself, for queries that change nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, exc
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
    # Writes keep the pre-ping (one round trip on a path that already takes three or more).
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def make_read_engine(database_url: str) -> AsyncEngine | None:
    """The engine of read-only units of work, or None for in-memory SQLite (a second engine
    would see another database).

    Autocommit: no BEGIN or ROLLBACK, each statement sees what is committed when it runs, and a
    connection goes back to the pool without a reset. The database refuses writes on it
    (`PRAGMA query_only`; PostgreSQL's `default_transaction_read_only`). No pre-ping on
    PostgreSQL: a connection the server closed is dropped at checkout without a round trip
    (`_drop_if_closed`), and a connection found broken during a query invalidates the pool.
    """
    url = async_url(database_url)
    common: dict[str, Any] = {"isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None}
    if url.get_backend_name() == "sqlite":
        if sqlite_path(database_url) is None:
            return None
        engine = create_async_engine(url, connect_args={"timeout": 30}, **common)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA query_only=ON")
            cursor.close()

        # In autocommit there is never a transaction to roll back; aiosqlite would still spend
        # a thread hop on each `rollback()` SQLAlchemy makes when a connection closes.
        setattr(engine.sync_engine.dialect, "do_rollback", _no_rollback)  # noqa: B010
        return engine
    engine = create_async_engine(
        url,
        connect_args={"server_settings": {"default_transaction_read_only": "on"}},
        pool_recycle=1800,
        **common,
    )
    if url.get_driver_name() == "asyncpg":
        event.listen(engine.sync_engine, "checkout", _drop_if_closed)
    return engine


def _no_rollback(_dbapi_connection: Any) -> None:
    return None


def _drop_if_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pessimistic disconnect handling without a round trip: asyncpg marks a connection closed
    as soon as the event loop sees the server close it (restart, `pg_terminate_backend`, idle
    timeout); `DisconnectionError` makes the pool replace it with a new one."""
    if dbapi_connection.driver_connection.is_closed():
        raise exc.DisconnectionError("connection closed by the server")
