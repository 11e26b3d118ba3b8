"""Charter's configuration: one frozen, validated object built from the environment.

Every setting is read from a `CHARTER_*` variable by `Settings.from_env`; nothing else in the
package reads `os.environ`. `docs/configuration.md` documents each field, and a test keeps the two
in step.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Literal
from urllib.parse import urlsplit

Environment = Literal["development", "production"]


class SettingsError(ValueError):
    """Raised when the environment holds a value Charter cannot run with."""


class Secret:
    """A string that never shows itself in `repr` or `str`; call `reveal()` at the point of use."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Setting:
    """Documentation of one environment variable."""

    env: str
    default: str
    meaning: str


def _doc(env: str, default: str, meaning: str) -> dict[str, Setting]:
    return {"doc": Setting(env, default, meaning)}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything Charter is configured with. Build it with `Settings.from_env(environ)`."""

    env: Environment = field(
        default="development",
        metadata=_doc(
            "CHARTER_ENV",
            "development",
            "`development` (says so at start and only warns about unsafe settings) or "
            "`production` (refuses to start with them).",
        ),
    )
    database_url: str = field(
        default="sqlite:///charter.db",
        metadata=_doc(
            "CHARTER_DATABASE_URL",
            "sqlite:///charter.db",
            "Where state lives. `sqlite:///path` (relative to the working directory) or "
            "`postgresql://user:pass@host:port/db`.",
        ),
    )
    secret_key: Secret | None = field(
        default=None,
        metadata=_doc(
            "CHARTER_SECRET_KEY",
            "(development: generated once and kept beside the database)",
            "32 random bytes, base64url-encoded, that encrypt at rest the secrets Charter must "
            "read back (auth tokens). Required in production.",
        ),
    )
    public_url: str = field(
        default="http://127.0.0.1:8000",
        metadata=_doc(
            "CHARTER_PUBLIC_URL",
            "http://127.0.0.1:8000",
            "The base URL clients use to reach Charter (issuer, absolute links). Production "
            "requires https.",
        ),
    )
    error_docs_url: str = field(
        default="https://www.twilio.com/docs/errors",
        metadata=_doc(
            "CHARTER_ERROR_DOCS_URL",
            "https://www.twilio.com/docs/errors",
            "Base of the `more_info` link in error bodies (`{base}/{code}`).",
        ),
    )
    max_body_bytes: int = field(
        default=65536,
        metadata=_doc(
            "CHARTER_MAX_BODY_BYTES", "65536", "Largest request body accepted (413 beyond it)."
        ),
    )
    auth_failures_per_source: int = field(
        default=20,
        metadata=_doc(
            "CHARTER_AUTH_FAILURES_PER_SOURCE",
            "20",
            "Failed credential checks one client address may make per window before it is "
            "throttled (429).",
        ),
    )
    auth_failures_per_account: int = field(
        default=100,
        metadata=_doc(
            "CHARTER_AUTH_FAILURES_PER_ACCOUNT",
            "100",
            "Failed checks against one account per window before addresses that have not "
            "recently signed in to it successfully are throttled.",
        ),
    )
    auth_failure_window_seconds: int = field(
        default=60,
        metadata=_doc(
            "CHARTER_AUTH_FAILURE_WINDOW_SECONDS", "60", "Length of the throttling window."
        ),
    )
    cache_poll_seconds: float = field(
        default=0.5,
        metadata=_doc(
            "CHARTER_CACHE_POLL_SECONDS",
            "0.5",
            "How often an instance reads the change feed to drop cached credentials changed "
            "by other instances (PostgreSQL also pushes changes at once with LISTEN/NOTIFY).",
        ),
    )
    price_list: str | None = field(
        default=None,
        metadata=_doc(
            "CHARTER_PRICE_LIST",
            "(built-in list)",
            "JSON object overriding prices and starting balances with decimal strings, e.g. "
            '`{"sms_segment": "0.0079", "full_starting_balance": "20"}`; see docs/billing.md.',
        ),
    )
    workers: int = field(
        default=1,
        metadata=_doc(
            "CHARTER_WORKERS",
            "1",
            "Worker processes for `charter serve` (the `--workers` option overrides it).",
        ),
    )
    test_clock: bool = field(
        default=False,
        metadata=_doc(
            "CHARTER_TEST_CLOCK",
            "0",
            "`1` turns on the test clock: `GET` and `POST /_charter/clock` read and advance the "
            "server's time on every instance sharing the database, **without authentication**. "
            "For integration tests only (see docs/testing-with-charter.md); refused in "
            "production.",
        ),
    )
    webhook_worker: bool = field(
        default=True,
        metadata=_doc(
            "CHARTER_WEBHOOK_WORKER",
            "1",
            "`1` runs the webhook worker inside `charter serve` (in each worker process); `0` "
            "leaves delivery to separate `charter worker` processes. See docs/webhooks.md.",
        ),
    )
    webhooks_allow_private: bool | None = field(
        default=None,
        metadata=_doc(
            "CHARTER_WEBHOOKS_ALLOW_PRIVATE",
            "(1 in development, 0 in production)",
            "`1` lets webhooks reach loopback, private and link-local addresses (to test "
            "callbacks on your machine); cloud metadata and multicast addresses stay refused. "
            "Refused in production.",
        ),
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read every `CHARTER_*` setting from `environ`; raise `SettingsError` on a bad value."""

        def get(name: str) -> str | None:
            value = environ.get(name)
            return value if value not in (None, "") else None

        kwargs: dict[str, object] = {}
        for f in fields(cls):
            doc: Setting = f.metadata["doc"]
            raw = get(doc.env)
            if raw is None:
                continue
            kwargs[f.name] = _convert(f.name, doc.env, raw)
        return cls(**kwargs)  # type: ignore[arg-type]

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def webhooks_reach_private(self) -> bool:
        """Whether webhooks may be delivered to non-public addresses (see the setting)."""
        if self.webhooks_allow_private is None:
            return not self.is_production
        return self.webhooks_allow_private

    def problems(self) -> list[str]:
        """Unsafe values: errors in production, warnings in development."""
        found: list[str] = []
        if self.secret_key is None:
            found.append("CHARTER_SECRET_KEY is not set")
        if urlsplit(self.public_url).scheme != "https":
            found.append("CHARTER_PUBLIC_URL is not an https URL")
        if self.database_url.startswith("sqlite") and self.workers > 1:
            found.append("SQLite cannot be shared by several worker processes safely")
        if self.test_clock:
            found.append("CHARTER_TEST_CLOCK is on: anyone can move the server's time forward")
        if self.webhooks_allow_private:
            found.append("CHARTER_WEBHOOKS_ALLOW_PRIVATE is on: webhooks may reach private hosts")
        return found

    def validate(self) -> None:
        """Fail fast in production on any unsafe value."""
        if self.is_production and (found := self.problems()):
            raise SettingsError("refusing to start in production: " + "; ".join(found))


def decode_secret_key(value: str) -> bytes:
    """The 32-byte key behind a base64url `CHARTER_SECRET_KEY`."""
    try:
        key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SettingsError("CHARTER_SECRET_KEY is not base64url") from exc
    if len(key) != 32:
        raise SettingsError("CHARTER_SECRET_KEY must encode exactly 32 bytes")
    return key


def _convert(name: str, env: str, raw: str) -> object:
    if name == "env":
        if raw not in ("development", "production"):
            raise SettingsError(f"{env} must be development or production, not {raw!r}")
        return raw
    if name == "secret_key":
        decode_secret_key(raw)
        return Secret(raw)
    if name in (
        "max_body_bytes",
        "auth_failures_per_source",
        "auth_failures_per_account",
        "auth_failure_window_seconds",
        "workers",
    ):
        if not raw.isascii() or not raw.removeprefix("-").isdigit():
            raise SettingsError(f"{env} must be a whole number")
        number = int(raw)
        if number < 1:
            raise SettingsError(f"{env} must be at least 1")
        return number
    if name == "cache_poll_seconds":
        try:
            seconds = float(raw)
        except ValueError as exc:
            raise SettingsError(f"{env} must be a number of seconds") from exc
        if not 0.01 <= seconds <= 60:
            raise SettingsError(f"{env} must be between 0.01 and 60")
        return seconds
    if name in ("public_url", "error_docs_url"):
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(f"{env} must be an http(s) URL")
        return raw.rstrip("/")
    if name in ("test_clock", "webhook_worker", "webhooks_allow_private"):
        if raw not in ("0", "1"):
            raise SettingsError(f"{env} must be 0 or 1")
        return raw == "1"
    if name == "database_url":
        if not raw.startswith(("sqlite:", "postgresql:", "postgresql+", "postgres:")):
            raise SettingsError(f"{env} must start with sqlite: or postgresql:")
        return raw
    return raw  # pragma: no cover - every field is handled above


def settings_table() -> str:
    """The Markdown table of every setting, as `docs/configuration.md` shows it."""
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for f in fields(Settings):
        doc: Setting = f.metadata["doc"]
        lines.append(f"| `{doc.env}` | `{doc.default}` | {doc.meaning} |")
    return "\n".join(lines) + "\n"
