"""Tables, as SQLAlchemy declarative classes: columns, constraints and indexes, no rules.

Every datetime is stored as naive UTC and read back timezone-aware (`UTCDateTime`). Secrets that
must be read back (auth tokens) are stored encrypted; the column names end in `_enc`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Serial = BigInteger().with_variant(Integer, "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)  # noqa: S101 - the column type guarantees it
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AccountRow(Base):
    __tablename__ = "accounts"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    owner_account_sid: Mapped[str] = mapped_column(String(34), index=True)
    friendly_name: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    auth_token_enc: Mapped[str] = mapped_column(Text)
    secondary_auth_token_enc: Mapped[str | None] = mapped_column(Text)
    secondary_auth_token_created: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    date_updated: Mapped[datetime] = mapped_column(UTCDateTime)


class APIKeyRow(Base):
    __tablename__ = "api_keys"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    account_sid: Mapped[str] = mapped_column(
        String(34), ForeignKey("accounts.sid", ondelete="CASCADE"), index=True
    )
    friendly_name: Mapped[str | None] = mapped_column(String(64))
    key_type: Mapped[str] = mapped_column(String(16))
    policy: Mapped[str | None] = mapped_column(Text)
    secret_digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    date_updated: Mapped[datetime] = mapped_column(UTCDateTime)


class UserRow(Base):
    __tablename__ = "users"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)


class MembershipRow(Base):
    __tablename__ = "memberships"

    user_sid: Mapped[str] = mapped_column(
        String(34), ForeignKey("users.sid", ondelete="CASCADE"), primary_key=True
    )
    account_sid: Mapped[str] = mapped_column(
        String(34), ForeignKey("accounts.sid", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32))


class ChangeRow(Base):
    """The change feed: one row per cached entity changed, read by every instance."""

    __tablename__ = "change_feed"

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_change_feed_created_at", "created_at"),)


class BalanceRow(Base):
    """A main account's balance: the sum of its ledger, kept in step in the same transaction."""

    __tablename__ = "balances"

    account_sid: Mapped[str] = mapped_column(
        String(34), ForeignKey("accounts.sid", ondelete="CASCADE"), primary_key=True
    )
    units: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class LedgerRow(Base):
    """Append-only: charges (positive units) and credits (negative units)."""

    __tablename__ = "ledger"

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    account_sid: Mapped[str] = mapped_column(String(34))
    subaccount_sid: Mapped[str] = mapped_column(String(34))
    category: Mapped[str] = mapped_column(String(32))
    units: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    resource_sid: Mapped[str | None] = mapped_column(String(34))
    actor: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(200))
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_ledger_account_date", "account_sid", "date_created"),
        Index("ix_ledger_subaccount_date", "subaccount_sid", "date_created"),
    )


class PhoneNumberRow(Base):
    __tablename__ = "phone_numbers"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    account_sid: Mapped[str] = mapped_column(String(34), index=True)
    phone_number: Mapped[str] = mapped_column(String(20), unique=True)
    friendly_name: Mapped[str] = mapped_column(String(64))
    iso_country: Mapped[str] = mapped_column(String(2))
    number_type: Mapped[str] = mapped_column(String(16))
    config: Mapped[str] = mapped_column(Text)
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    date_updated: Mapped[datetime] = mapped_column(UTCDateTime)


class MessageRow(Base):
    __tablename__ = "messages"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    account_sid: Mapped[str] = mapped_column(String(34), index=True)
    from_number: Mapped[str] = mapped_column(String(20))
    to_number: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    num_segments: Mapped[int] = mapped_column(Integer)
    media_urls: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    price_units: Mapped[int | None] = mapped_column(BigInteger)
    status_callback: Mapped[str | None] = mapped_column(Text)
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    date_updated: Mapped[datetime] = mapped_column(UTCDateTime)


class CallRow(Base):
    __tablename__ = "calls"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    account_sid: Mapped[str] = mapped_column(String(34), index=True)
    to_number: Mapped[str] = mapped_column(String(20))
    from_number: Mapped[str] = mapped_column(String(20))
    phone_number_sid: Mapped[str | None] = mapped_column(String(34))
    status: Mapped[str] = mapped_column(String(16))
    planned_duration: Mapped[int] = mapped_column(Integer)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    price_units: Mapped[int | None] = mapped_column(BigInteger)
    instructions: Mapped[str] = mapped_column(Text)
    status_callback: Mapped[str | None] = mapped_column(Text)
    record: Mapped[bool] = mapped_column(Boolean)
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    date_updated: Mapped[datetime] = mapped_column(UTCDateTime)


class RecordingRow(Base):
    __tablename__ = "recordings"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    account_sid: Mapped[str] = mapped_column(String(34), index=True)
    call_sid: Mapped[str] = mapped_column(String(34), index=True)
    planned_duration: Mapped[int] = mapped_column(Integer)
    price_units: Mapped[int | None] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean)
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    date_updated: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """Webhooks to deliver (status and deauthorization callbacks), and their delivery state.

    Written in the same transaction as the state they describe; `not_before` holds events that
    describe a future moment on the simulated timeline until that moment. The worker leases a
    claimed row by moving `next_attempt_at` forward; `given_up_at` marks an event whose retries
    ran out (it stays, with its attempts, in the delivery log).
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    account_sid: Mapped[str] = mapped_column(String(34), index=True)
    subject_sid: Mapped[str | None] = mapped_column(String(34), index=True)
    url: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(8))
    params: Mapped[str] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "next_attempt_at"),)


class OAuthAppRow(Base):
    __tablename__ = "oauth_apps"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    account_sid: Mapped[str] = mapped_column(
        String(34), ForeignKey("accounts.sid", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(32))
    friendly_name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    company_name: Mapped[str | None] = mapped_column(String(255))
    logo_url: Mapped[str | None] = mapped_column(Text)
    homepage_url: Mapped[str | None] = mapped_column(Text)
    terms_url: Mapped[str | None] = mapped_column(Text)
    policy: Mapped[str] = mapped_column(Text)
    access_token_ttl: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(80))
    secret_version: Mapped[int] = mapped_column(Integer)
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    date_updated: Mapped[datetime] = mapped_column(UTCDateTime)


class OAuthAppSecretRow(Base):
    """An app's secrets (digests): the current one, and the previous one until `expires_at`."""

    __tablename__ = "oauth_app_secrets"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)
    app_sid: Mapped[str] = mapped_column(
        String(34), ForeignKey("oauth_apps.sid", ondelete="CASCADE"), index=True
    )
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SigningKeyRow(Base):
    """Access-token signing keys: the private key encrypted, the public JWK in the clear.

    The newest key without `retired_at` signs; every key whose `expires_at` is unset or in the
    future is published at `/.well-known/jwks.json` (the overlap that lets old tokens verify).
    """

    __tablename__ = "signing_keys"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    private_key_enc: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RevokedTokenRow(Base):
    """Access tokens revoked before they expire (RFC 7009); kept until `expires_at`."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(34), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EventRow(Base):
    """Audit events (Twilio's Monitor Events), append-only."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    account_sid: Mapped[str] = mapped_column(String(34))
    event_type: Mapped[str] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(64))
    resource_sid: Mapped[str] = mapped_column(String(80))
    actor_type: Mapped[str] = mapped_column(String(32))
    actor_sid: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(16))
    source_ip_address: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    event_data: Mapped[str] = mapped_column(Text)
    event_date: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_events_account_date", "account_sid", "event_date"),)


class TestClockRow(Base):
    """The test clock's offset from the system clock (development only), shared by instances."""

    __tablename__ = "test_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offset_seconds: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConnectAppRow(Base):
    __tablename__ = "connect_apps"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    account_sid: Mapped[str] = mapped_column(
        String(34), ForeignKey("accounts.sid", ondelete="CASCADE"), index=True
    )
    friendly_name: Mapped[str] = mapped_column(String(64))
    logo_url: Mapped[str] = mapped_column(Text)
    company_name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    homepage_url: Mapped[str | None] = mapped_column(Text)
    terms_of_service_url: Mapped[str | None] = mapped_column(Text)
    authorize_redirect_url: Mapped[str | None] = mapped_column(Text)
    deauthorize_callback_url: Mapped[str | None] = mapped_column(Text)
    deauthorize_callback_method: Mapped[str] = mapped_column(String(8))
    permissions: Mapped[str] = mapped_column(String(64))
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    date_updated: Mapped[datetime] = mapped_column(UTCDateTime)


class ConnectAuthorizationRow(Base):
    """A customer's authorization of a Connect app; one row per (app, customer), reused on
    re-approval, so the dedicated subaccount is too."""

    __tablename__ = "connect_authorizations"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    sid: Mapped[str] = mapped_column(String(34), unique=True)
    connect_app_sid: Mapped[str] = mapped_column(String(34), index=True)
    customer_account_sid: Mapped[str] = mapped_column(
        String(34), ForeignKey("accounts.sid", ondelete="CASCADE"), index=True
    )
    subaccount_sid: Mapped[str] = mapped_column(String(34), unique=True)
    permissions: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    approved_by: Mapped[str] = mapped_column(String(34))
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    date_updated: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("uq_connect_authorizations_app_customer", "connect_app_sid", "customer_account_sid",
              unique=True),
    )  # fmt: skip


class ConsoleSessionRow(Base):
    """A signed-in console session: only the SHA-256 of the cookie's token is stored."""

    __tablename__ = "console_sessions"

    token_digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    user_sid: Mapped[str] = mapped_column(
        String(34), ForeignKey("users.sid", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class WebhookAttemptRow(Base):
    """The delivery log: one row per attempt to deliver an outbox webhook."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("outbox.id", ondelete="CASCADE"),
        index=True,
    )
    account_sid: Mapped[str] = mapped_column(String(34), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(8))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
