"""Follows the change feed so this instance drops what other instances changed.

Polls `change_feed` every `interval` seconds; on PostgreSQL it also LISTENs, so a committed change
wakes it at once. `healthy()` is False until the first read and whenever the feed has not been read
for several intervals: callers then stop trusting their caches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from charter.storage.repositories import NOTIFY_CHANNEL, changes_since, latest_change_id

log = logging.getLogger("charter.changes")

Listener = Callable[[Sequence[tuple[str, str]]], None]


class ChangeFollower:
    def __init__(self, engine: AsyncEngine, on_changes: Listener, interval: float) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._on_changes = on_changes
        self._interval = interval
        self._last_id = 0
        self._last_read = 0.0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listen_conn: AsyncConnection | None = None

    def healthy(self) -> bool:
        return time.monotonic() - self._last_read < max(5 * self._interval, 2.0)

    async def start(self) -> None:
        async with self._sessions() as session:
            self._last_id = await latest_change_id(session)
        self._last_read = time.monotonic()
        if self._engine.dialect.name == "postgresql":
            await self._listen()
        self._task = asyncio.create_task(self._run(), name="charter-change-follower")

    async def _listen(self) -> None:
        conn = await self._engine.connect()
        raw: Any = (await conn.get_raw_connection()).driver_connection

        def notified(*_args: object) -> None:
            self._wake.set()

        await raw.add_listener(NOTIFY_CHANNEL, notified)
        self._listen_conn = conn

    async def poll_once(self) -> None:
        async with self._sessions() as session:
            rows = await changes_since(session, self._last_id)
        if rows:
            self._last_id = rows[-1][0]
            self._on_changes([(entity, key) for _, entity, key in rows])
        self._last_read = time.monotonic()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            try:
                await self.poll_once()
            except Exception:  # keep following; healthy() turns False meanwhile
                log.warning("could not read the change feed", exc_info=True)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._listen_conn is not None:
            with contextlib.suppress(Exception):
                await self._listen_conn.close()
            self._listen_conn = None
