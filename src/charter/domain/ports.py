"""What the domain needs from storage, as protocols; `charter.storage` implements them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol

from charter.domain.billing import LedgerEntry
from charter.domain.connect import Authorization, ConnectApp
from charter.domain.console import ConsoleSession
from charter.domain.events import AuditEvent
from charter.domain.ids import AccountSid
from charter.domain.messaging import Message
from charter.domain.models import Account, AccountStatus, APIKey, Membership, User
from charter.domain.numbers import PhoneNumber
from charter.domain.oauth_apps import AppSecret, OAuthApp
from charter.domain.paging import Page, PageRequest
from charter.domain.signing_keys import SigningKey
from charter.domain.voice import Call, Recording
from charter.domain.webhooks import AttemptResult, PendingWebhook, WebhookDelivery


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """Which accounts a list shows: those reachable from `root`, narrowed by name and status."""

    root: AccountSid
    include_subaccounts: bool
    friendly_name: str | None = None
    status: AccountStatus | None = None


class AccountRepo(Protocol):
    async def find(self, sid: AccountSid) -> Account | None: ...

    async def add(self, account: Account) -> None: ...

    async def update(self, account: Account) -> None: ...

    async def list_page(self, where: AccountFilter, page: PageRequest) -> Page[Account]: ...

    async def list_all(self) -> Sequence[Account]: ...


class KeyRepo(Protocol):
    async def find(self, sid: str) -> APIKey | None: ...

    async def add(self, key: APIKey, /) -> None: ...

    async def update(self, key: APIKey, /) -> bool: ...

    async def delete(self, sid: str) -> None: ...

    async def list_page(self, account_sid: AccountSid, page: PageRequest) -> Page[APIKey]: ...


class Ledger(Protocol):
    """The append-only ledger and the balances kept in step with it."""

    async def open_balance(self, account_sid: AccountSid) -> None: ...

    async def charge(self, entry: LedgerEntry) -> None:
        """Lower the balance by `entry.units` atomically or raise `InsufficientFunds`."""
        ...

    async def credit(self, entry: LedgerEntry) -> None: ...

    async def balance(self, account_sid: AccountSid) -> int | None: ...

    async def entries(
        self, account_sid: AccountSid, start: date, end: date, as_main: bool
    ) -> Sequence[LedgerEntry]: ...


@dataclass(frozen=True, slots=True)
class NumberFilter:
    account_sid: str
    phone_number: str | None = None
    friendly_name: str | None = None


class NumberRepo(Protocol):
    async def find(self, sid: str) -> PhoneNumber | None: ...

    async def find_by_number(self, phone_number: str) -> PhoneNumber | None: ...

    async def owned(self, phone_numbers: Sequence[str]) -> set[str]: ...

    async def add(self, number: PhoneNumber, /) -> None: ...

    async def update(self, number: PhoneNumber, /) -> bool: ...

    async def delete(self, sid: str) -> None: ...

    async def list_page(self, where: NumberFilter, page: PageRequest) -> Page[PhoneNumber]: ...


@dataclass(frozen=True, slots=True)
class MessageFilter:
    account_sid: str
    to: str | None = None
    from_: str | None = None
    sent_after: datetime | None = None  # inclusive
    sent_before: datetime | None = None  # exclusive


class MessageRepo(Protocol):
    async def find(self, sid: str) -> Message | None: ...

    async def add(self, message: Message, /) -> None: ...

    async def update(self, message: Message, /) -> bool: ...

    async def delete(self, sid: str) -> None: ...

    async def list_page(self, where: MessageFilter, page: PageRequest) -> Page[Message]: ...


@dataclass(frozen=True, slots=True)
class CallFilter:
    """Which calls a list shows; status and time ranges are judged on the timeline at `now`."""

    account_sid: str
    now: datetime
    to: str | None = None
    from_: str | None = None
    status: str | None = None
    parent_call_sid: str | None = None  # Charter's calls have no parent: any value matches none
    started_after: datetime | None = None  # inclusive
    started_before: datetime | None = None  # exclusive
    ended_after: datetime | None = None  # inclusive
    ended_before: datetime | None = None  # exclusive


class CallRepo(Protocol):
    async def find(self, sid: str) -> Call | None: ...

    async def add(self, call: Call, /) -> None: ...

    async def update(self, call: Call, /, if_status: str | None = None) -> bool:
        """Save `call`; with `if_status`, only while the stored status is still that one
        (False when it is not, so two concurrent changes cannot both refund)."""
        ...

    async def delete(self, sid: str) -> None: ...

    async def list_page(self, where: CallFilter, page: PageRequest) -> Page[Call]: ...


@dataclass(frozen=True, slots=True)
class RecordingFilter:
    """Recordings that exist at `now` (started, not deleted), narrowed by call and creation."""

    account_sid: str
    now: datetime
    call_sid: str | None = None
    created_after: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive


class RecordingRepo(Protocol):
    async def find(self, sid: str) -> Recording | None: ...

    async def for_call(self, call_sid: str) -> Sequence[Recording]: ...

    async def add(self, recording: Recording, /) -> None: ...

    async def update(self, recording: Recording, /) -> bool: ...

    async def list_page(self, where: RecordingFilter, page: PageRequest) -> Page[Recording]: ...


class Outbox(Protocol):
    """Webhooks to deliver, written in the same transaction as what they describe."""

    async def enqueue(
        self,
        kind: str,
        account_sid: str,
        url: str,
        method: str,
        params: dict[str, str],
        not_before: datetime,
        subject_sid: str | None = None,
    ) -> str: ...

    async def discard_pending(
        self, subject_sid: str, kind: str, after: datetime | None = None
    ) -> None: ...

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> Sequence[PendingWebhook]:
        """Up to `limit` due, undelivered, not abandoned events, each leased to the caller until
        `lease_until` (no other claim takes it before then) and counted as one more attempt."""
        ...

    async def record_attempt(
        self,
        event: PendingWebhook,
        result: AttemptResult,
        attempted_at: datetime,
        retry_at: datetime | None,
    ) -> None:
        """Log the attempt and record its outcome: delivered, retried at `retry_at`, or (a
        failure with no `retry_at`) given up. Nothing is logged for an event deleted meanwhile."""
        ...

    async def list_deliveries(
        self, account_sid: str, now: datetime, page: PageRequest
    ) -> Page[WebhookDelivery]:
        """`account_sid`'s events that have happened by `now`, newest first."""
        ...

    async def find_delivery(self, event_id: str) -> WebhookDelivery | None: ...


class UserRepo(Protocol):
    async def find(self, sid: str) -> User | None: ...

    async def find_by_email(self, email: str) -> User | None: ...

    async def add(self, user: User) -> None: ...

    async def add_membership(self, membership: Membership) -> None: ...

    async def memberships(self, user: User) -> Sequence[Membership]: ...


class ConsoleSessionRepo(Protocol):
    async def add(self, session: ConsoleSession) -> None: ...

    async def find(self, token_digest: bytes) -> ConsoleSession | None: ...

    async def delete(self, token_digest: bytes) -> None: ...

    async def delete_expired(self, now: datetime) -> int: ...


class ChangeFeed(Protocol):
    """A record, written in the same transaction, that something cached elsewhere has changed."""

    async def record(self, entity: str, key: str) -> None: ...


class OAuthAppRepo(Protocol):
    async def find(self, sid: str) -> OAuthApp | None: ...

    async def add(self, app: OAuthApp, /) -> None: ...

    async def update(self, app: OAuthApp, /) -> bool: ...

    async def delete(self, sid: str) -> None:
        """Delete the app and all its secrets."""
        ...

    async def list_page(self, account_sid: AccountSid, page: PageRequest) -> Page[OAuthApp]: ...

    async def bump_secret_version(self, sid: str, expected: int) -> bool:
        """Compare-and-set of the app's `secret_version`; True when this caller won."""
        ...

    async def secrets(self, app_sid: str) -> Sequence[AppSecret]: ...

    async def save_secret(self, secret: AppSecret) -> None: ...

    async def delete_secrets(self, ids: Sequence[str]) -> None: ...


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events a list shows: one account's, narrowed by Twilio's Monitor filters."""

    account_sid: str
    event_type: str | None = None
    resource_sid: str | None = None
    actor_sid: str | None = None
    source_ip_address: str | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive


class EventLog(Protocol):
    """Audit events, appended in the transaction of the change they describe."""

    async def find(self, sid: str) -> AuditEvent | None: ...

    async def add(self, event: AuditEvent, /) -> None: ...

    async def list_page(self, where: EventFilter, page: PageRequest) -> Page[AuditEvent]: ...


class SigningKeyRepo(Protocol):
    async def all(self) -> Sequence[SigningKey]: ...

    async def add(self, key: SigningKey) -> None: ...

    async def retire(self, key: SigningKey) -> None: ...

    async def purge_expired(self, now: datetime) -> None: ...


class RevokedTokenRepo(Protocol):
    async def add(self, jti: str, client_id: str, expires_at: datetime, now: datetime) -> bool: ...

    async def live(self, now: datetime) -> Sequence[tuple[str, datetime]]: ...

    async def purge_expired(self, now: datetime) -> None: ...


class TestClockStore(Protocol):
    async def offset(self) -> float: ...

    async def advance(self, seconds: float, now: datetime, limit: float) -> float | None: ...


class ConnectAppRepo(Protocol):
    async def find(self, sid: str) -> ConnectApp | None: ...

    async def add(self, app: ConnectApp, /) -> None: ...

    async def update(self, app: ConnectApp, /) -> bool: ...

    async def delete(self, sid: str) -> None: ...

    async def list_page(self, account_sid: AccountSid, page: PageRequest) -> Page[ConnectApp]: ...


class AuthorizationRepo(Protocol):
    """Customers' authorizations of Connect apps: one per (app, customer), reused."""

    async def find(self, sid: str) -> Authorization | None: ...

    async def find_for(
        self, connect_app_sid: str, customer: AccountSid
    ) -> Authorization | None: ...

    async def find_by_subaccount(self, subaccount_sid: AccountSid) -> Authorization | None: ...

    async def for_app(self, connect_app_sid: str) -> Sequence[Authorization]: ...

    async def active_page(self, customer: AccountSid, page: PageRequest) -> Page[Authorization]: ...

    async def add(self, authorization: Authorization, /) -> None: ...

    async def update(self, authorization: Authorization, /, if_status: str | None = None) -> bool:
        """Save; with `if_status`, only while the stored status is that one (compare-and-set)."""
        ...


class UnitOfWork(Protocol):
    """One transaction: its repositories, and `commit`. Leaving without commit rolls back."""

    @property
    def accounts(self) -> AccountRepo: ...

    @property
    def keys(self) -> KeyRepo: ...

    @property
    def users(self) -> UserRepo: ...

    @property
    def console_sessions(self) -> ConsoleSessionRepo: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def numbers(self) -> NumberRepo: ...

    @property
    def messages(self) -> MessageRepo: ...

    @property
    def calls(self) -> CallRepo: ...

    @property
    def recordings(self) -> RecordingRepo: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def changes(self) -> ChangeFeed: ...

    @property
    def oauth_apps(self) -> OAuthAppRepo: ...

    @property
    def events(self) -> EventLog: ...

    @property
    def signing_keys(self) -> SigningKeyRepo: ...

    @property
    def revoked_tokens(self) -> RevokedTokenRepo: ...

    @property
    def test_clock(self) -> TestClockStore: ...

    @property
    def connect_apps(self) -> ConnectAppRepo: ...

    @property
    def authorizations(self) -> AuthorizationRepo: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...

    def read(self) -> UnitOfWork:
        """A unit of work for queries that change nothing: no transaction (each statement sees
        what is committed when it runs), writes refused, `commit` raises."""
        ...
