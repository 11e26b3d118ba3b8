"""Alembic environment: the URL comes from `Settings` (via the config's attributes) only."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from charter.storage.engine import make_engine
from charter.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.attributes["database_url"], pooled=False)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_run)
            await conn.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():  # pragma: no cover - Charter never runs offline migrations
    raise SystemExit("offline migrations are not supported; use `charter db upgrade`")
asyncio.run(_main())
