"""Wiring: the one place (besides tests) that builds storage and services from `Settings`.

Used by the web application factory and by the CLI, so both run the same objects.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from charter.domain.billing import PriceList
from charter.domain.clock import Clock, SystemClock, TestClock
from charter.domain.errors import InvalidParameter
from charter.domain.throttle import AuthThrottle, ThrottleLimits
from charter.oauth.service import OAuthService
from charter.security import Cipher, new_encryption_key
from charter.services.accounts import AccountService
from charter.services.authn import Authenticator
from charter.services.billing import BillingService
from charter.services.connect import ConnectService
from charter.services.console import ConsoleService
from charter.services.directory import Directory
from charter.services.events import EventService
from charter.services.keys import KeyService
from charter.services.messages import MessageService
from charter.services.numbers import NumberService
from charter.services.oauth_apps import OAuthAppService
from charter.services.test_clock import CHANGE_ENTITY as CLOCK_CHANGE, TestClockService
from charter.services.voice import CallService, RecordingService
from charter.services.webhooks import WebhookService
from charter.settings import Settings, SettingsError, decode_secret_key
from charter.storage.changes import ChangeFollower, Listener
from charter.storage.engine import make_engine, make_read_engine, sqlite_path
from charter.storage.unit_of_work import SQLUnitOfWorkFactory
from charter.webhooks.delivery import WebhookSender, make_client
from charter.webhooks.worker import WebhookWorker

log = logging.getLogger("charter")


def key_file(settings: Settings) -> Path:
    """Where development keeps its generated key: beside the SQLite file, else the working dir."""
    db = sqlite_path(settings.database_url)
    return Path(db + ".key") if db else Path("charter.key")


def load_cipher(settings: Settings) -> Cipher:
    """The at-rest cipher: CHARTER_SECRET_KEY, or in development a key generated once and kept."""
    if settings.secret_key is not None:
        return Cipher(decode_secret_key(settings.secret_key.reveal()))
    if settings.is_production:
        raise SettingsError("CHARTER_SECRET_KEY is required in production")
    path = key_file(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_encryption_key() + "\n")
        log.warning(
            "development: generated an encryption key in %s; keep it with the database", path
        )
    return Cipher(decode_secret_key(path.read_text().strip()))


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    uow: SQLUnitOfWorkFactory
    directory: Directory
    follower: ChangeFollower
    throttle: AuthThrottle
    authenticator: Authenticator
    accounts: AccountService
    keys: KeyService
    billing: BillingService
    numbers: NumberService
    messages: MessageService
    calls: CallService
    recordings: RecordingService
    oauth_apps: OAuthAppService
    connect: ConnectService
    console: ConsoleService
    events: EventService
    oauth: OAuthService
    webhooks: WebhookService
    webhook_worker: WebhookWorker  # started only with CHARTER_WEBHOOK_WORKER=1
    test_clock: TestClockService | None = None  # CHARTER_TEST_CLOCK only

    async def start(self) -> None:
        await self.follower.start()
        await self.oauth.start()  # after the follower: no rotation or revocation is missed
        if self.test_clock is not None:  # after the follower: no advance falls between the two
            await self.test_clock.load()
        if self.settings.webhook_worker:
            self.webhook_worker.start()

    async def stop(self) -> None:
        await self.webhook_worker.stop()  # before the engine goes: it may be recording
        await self.follower.stop()
        await self.oauth.stop()
        await self.uow.dispose()


def build_runtime(
    settings: Settings,
    clock: Clock | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
) -> Runtime:
    """Everything Charter runs, wired for `settings`. `webhook_transport` replaces the guarded
    network transport of webhook deliveries (tests pass an `httpx.MockTransport`)."""
    clock = clock or SystemClock()
    if settings.test_clock:
        clock = TestClock(clock)
    engine = make_engine(settings.database_url)
    read_engine = make_read_engine(settings.database_url)
    uow = SQLUnitOfWorkFactory(engine, load_cipher(settings), clock, read_engine=read_engine)
    follower_ref: list[ChangeFollower] = []
    directory = Directory(uow, trusted=lambda: follower_ref[0].healthy())
    test_clock = TestClockService(uow, clock) if isinstance(clock, TestClock) else None
    if not settings.is_production:
        # Authlib refuses OAuth requests whose URL is plain HTTP off loopback; production
        # requires an https CHARTER_PUBLIC_URL, development may serve any host over HTTP.
        os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    oauth = OAuthService(uow, clock, directory, settings.public_url)
    listeners: list[Listener] = [directory.invalidate, oauth.on_changes]
    if test_clock is not None:
        listeners.append(test_clock.apply_changes)
    allow_private = settings.webhooks_reach_private
    sender = WebhookSender(lambda: make_client(allow_private, webhook_transport))
    webhook_worker = WebhookWorker(uow, clock, sender)
    uow.on_enqueue = webhook_worker.wake
    listeners.append(_on_clock_change(webhook_worker.wake))  # retries follow the test clock
    on_changes = _every(listeners)
    follower = ChangeFollower(engine, on_changes, settings.cache_poll_seconds)
    follower_ref.append(follower)
    uow.on_commit = on_changes
    throttle = AuthThrottle(
        ThrottleLimits(
            settings.auth_failures_per_source,
            settings.auth_failures_per_account,
            settings.auth_failure_window_seconds,
        ),
        clock,
    )
    try:
        prices = PriceList.from_json(settings.price_list) if settings.price_list else PriceList()
    except InvalidParameter as exc:
        raise SettingsError(f"CHARTER_PRICE_LIST: {exc.message}") from None
    billing = BillingService(uow, clock, prices)
    numbers = NumberService(uow, clock, billing)
    accounts = AccountService(uow, directory, clock, billing)
    return Runtime(
        settings=settings,
        clock=clock,
        uow=uow,
        directory=directory,
        follower=follower,
        throttle=throttle,
        authenticator=Authenticator(directory, throttle),
        accounts=accounts,
        keys=KeyService(uow, clock),
        billing=billing,
        numbers=numbers,
        messages=MessageService(uow, clock, billing),
        calls=CallService(uow, clock, billing),
        recordings=RecordingService(uow, clock),
        oauth_apps=OAuthAppService(uow, clock, production=settings.is_production),
        connect=ConnectService(uow, clock, accounts, production=settings.is_production),
        console=ConsoleService(uow, clock, accounts, directory, throttle),
        events=EventService(uow),
        oauth=oauth,
        webhooks=WebhookService(uow, clock),
        webhook_worker=webhook_worker,
        test_clock=test_clock,
    )


def _on_clock_change(wake: Callable[[], None]) -> Listener:
    def listener(changes: Sequence[tuple[str, str]]) -> None:
        if any(entity == CLOCK_CHANGE for entity, _ in changes):
            wake()

    return listener


def _every(listeners: Sequence[Listener]) -> Listener:
    def listener(changes: Sequence[tuple[str, str]]) -> None:
        for each in listeners:
            each(changes)

    return listener
