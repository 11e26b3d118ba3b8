"""One transaction per command: repositories sharing a session, committed together or not at all.
Queries that change nothing use `SQLUnitOfWorkFactory.read()` instead (decision 0008).

After a successful commit, the change-feed keys written in the transaction are handed to the
`on_commit` callback, so this instance drops its cached copies at once; other instances learn of
the change from the feed (and, on PostgreSQL, from NOTIFY). A commit that queued webhooks calls
`on_enqueue`, which wakes this instance's webhook worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from charter.domain.clock import Clock
from charter.security import Cipher
from charter.storage.comms import SQLMessageRepo, SQLNumberRepo
from charter.storage.connect import SQLAuthorizationRepo, SQLConnectAppRepo
from charter.storage.console import SQLConsoleSessionRepo
from charter.storage.events import SQLEventLog
from charter.storage.ledger import SQLLedger
from charter.storage.oauth_apps import SQLOAuthAppRepo
from charter.storage.outbox import SQLOutbox
from charter.storage.repositories import SQLAccountRepo, SQLChangeFeed, SQLKeyRepo, SQLUserRepo
from charter.storage.test_clock import SQLTestClockStore
from charter.storage.token_keys import SQLRevokedTokenRepo, SQLSigningKeyRepo
from charter.storage.voice import SQLCallRepo, SQLRecordingRepo

OnCommit = Callable[[Sequence[tuple[str, str]]], None]
OnEnqueue = Callable[[], None]


class SQLUnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        cipher: Cipher,
        clock: Clock,
        is_postgres: bool,
        on_commit: OnCommit | None,
        on_enqueue: OnEnqueue | None = None,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._clock = clock
        self._is_postgres = is_postgres
        self._on_commit = on_commit
        self._on_enqueue = on_enqueue
        self._session: AsyncSession | None = None
        self._accounts: SQLAccountRepo | None = None
        self._users: SQLUserRepo | None = None
        self._console_sessions: SQLConsoleSessionRepo | None = None
        self._keys: SQLKeyRepo | None = None
        self._ledger: SQLLedger | None = None
        self._numbers: SQLNumberRepo | None = None
        self._messages: SQLMessageRepo | None = None
        self._calls: SQLCallRepo | None = None
        self._recordings: SQLRecordingRepo | None = None
        self._outbox: SQLOutbox | None = None
        self._changes: SQLChangeFeed | None = None
        self._oauth_apps: SQLOAuthAppRepo | None = None
        self._events: SQLEventLog | None = None
        self._signing_keys: SQLSigningKeyRepo | None = None
        self._revoked_tokens: SQLRevokedTokenRepo | None = None
        self._test_clock: SQLTestClockStore | None = None
        self._connect_apps: SQLConnectAppRepo | None = None
        self._authorizations: SQLAuthorizationRepo | None = None

    @property
    def accounts(self) -> SQLAccountRepo:
        assert self._accounts is not None  # noqa: S101 - only inside `async with`
        return self._accounts

    @property
    def keys(self) -> SQLKeyRepo:
        assert self._keys is not None  # noqa: S101 - only inside `async with`
        return self._keys

    @property
    def console_sessions(self) -> SQLConsoleSessionRepo:
        assert self._console_sessions is not None  # noqa: S101 - only inside `async with`
        return self._console_sessions

    @property
    def ledger(self) -> SQLLedger:
        assert self._ledger is not None  # noqa: S101 - only inside `async with`
        return self._ledger

    @property
    def numbers(self) -> SQLNumberRepo:
        assert self._numbers is not None  # noqa: S101 - only inside `async with`
        return self._numbers

    @property
    def messages(self) -> SQLMessageRepo:
        assert self._messages is not None  # noqa: S101 - only inside `async with`
        return self._messages

    @property
    def calls(self) -> SQLCallRepo:
        assert self._calls is not None  # noqa: S101 - only inside `async with`
        return self._calls

    @property
    def recordings(self) -> SQLRecordingRepo:
        assert self._recordings is not None  # noqa: S101 - only inside `async with`
        return self._recordings

    @property
    def outbox(self) -> SQLOutbox:
        assert self._outbox is not None  # noqa: S101 - only inside `async with`
        return self._outbox

    @property
    def users(self) -> SQLUserRepo:
        assert self._users is not None  # noqa: S101 - only inside `async with`
        return self._users

    @property
    def changes(self) -> SQLChangeFeed:
        assert self._changes is not None  # noqa: S101 - only inside `async with`
        return self._changes

    @property
    def oauth_apps(self) -> SQLOAuthAppRepo:
        assert self._oauth_apps is not None  # noqa: S101 - only inside `async with`
        return self._oauth_apps

    @property
    def events(self) -> SQLEventLog:
        assert self._events is not None  # noqa: S101 - only inside `async with`
        return self._events

    @property
    def signing_keys(self) -> SQLSigningKeyRepo:
        assert self._signing_keys is not None  # noqa: S101 - only inside `async with`
        return self._signing_keys

    @property
    def revoked_tokens(self) -> SQLRevokedTokenRepo:
        assert self._revoked_tokens is not None  # noqa: S101 - only inside `async with`
        return self._revoked_tokens

    @property
    def test_clock(self) -> SQLTestClockStore:
        assert self._test_clock is not None  # noqa: S101 - only inside `async with`
        return self._test_clock

    @property
    def connect_apps(self) -> SQLConnectAppRepo:
        assert self._connect_apps is not None  # noqa: S101 - only inside `async with`
        return self._connect_apps

    @property
    def authorizations(self) -> SQLAuthorizationRepo:
        assert self._authorizations is not None  # noqa: S101 - only inside `async with`
        return self._authorizations

    async def __aenter__(self) -> SQLUnitOfWork:
        session = self._sessions()
        self._session = session
        self._accounts = SQLAccountRepo(session, self._cipher)
        self._users = SQLUserRepo(session)
        self._console_sessions = SQLConsoleSessionRepo(session)
        self._keys = SQLKeyRepo(session)
        self._ledger = SQLLedger(session)
        self._numbers = SQLNumberRepo(session)
        self._messages = SQLMessageRepo(session)
        self._calls = SQLCallRepo(session)
        self._recordings = SQLRecordingRepo(session)
        self._outbox = SQLOutbox(session, self._clock.now(), self._is_postgres)
        self._changes = SQLChangeFeed(session, self._clock.now(), self._is_postgres)
        self._oauth_apps = SQLOAuthAppRepo(session)
        self._events = SQLEventLog(session)
        self._signing_keys = SQLSigningKeyRepo(session, self._cipher)
        self._revoked_tokens = SQLRevokedTokenRepo(session)
        self._test_clock = SQLTestClockStore(session)
        self._connect_apps = SQLConnectAppRepo(session)
        self._authorizations = SQLAuthorizationRepo(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None  # noqa: S101 - entered before exit
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self) -> None:
        assert self._session is not None  # noqa: S101 - only inside `async with`
        await self._session.commit()
        if self._on_commit is not None and self.changes.keys:
            self._on_commit(list(self.changes.keys))
            self.changes.keys.clear()
        if self._on_enqueue is not None and self.outbox.enqueued:
            self.outbox.enqueued = 0
            self._on_enqueue()


class ReadOnlyUnitOfWork(RuntimeError):
    """A write was attempted through `SQLUnitOfWorkFactory.read()`: a programming error."""


class SQLReadUnitOfWork(SQLUnitOfWork):
    """A unit of work for queries: on the read engine, each statement sees what is committed
    when it runs; the database refuses writes, and so does `commit`."""

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None  # noqa: S101 - entered before exit
        try:
            await self._session.close()  # nothing to roll back on the read engine
        finally:
            self._session = None

    async def commit(self) -> None:
        raise ReadOnlyUnitOfWork("a read-only unit of work cannot commit")


class SQLUnitOfWorkFactory:
    """Makes units of work over one engine; `read()` makes read-only ones over `read_engine`
    (the write engine when there is none: in-memory SQLite, tests)."""

    def __init__(
        self,
        engine: AsyncEngine,
        cipher: Cipher,
        clock: Clock,
        on_commit: OnCommit | None = None,
        read_engine: AsyncEngine | None = None,
    ) -> None:
        self.engine = engine
        self.read_engine = read_engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(read_engine or engine, expire_on_commit=False)
        self._cipher = cipher
        self._clock = clock
        self._is_postgres = engine.dialect.name == "postgresql"
        self.on_commit = on_commit
        self.on_enqueue: OnEnqueue | None = None

    def __call__(self) -> SQLUnitOfWork:
        return SQLUnitOfWork(
            self._sessions,
            self._cipher,
            self._clock,
            self._is_postgres,
            self.on_commit,
            self.on_enqueue,
        )

    def read(self) -> SQLReadUnitOfWork:
        return SQLReadUnitOfWork(
            self._read_sessions, self._cipher, self._clock, self._is_postgres, None
        )

    async def dispose(self) -> None:
        """Close both engines' pooled connections."""
        await self.engine.dispose()
        if self.read_engine is not None:
            await self.read_engine.dispose()
