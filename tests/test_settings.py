"""Settings from the environment: defaults, parsing, refusals, production safety, the docs."""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import fields
from pathlib import Path

import pytest

from charter.settings import Secret, Settings, SettingsError, decode_secret_key, settings_table
from tests.conftest import TEST_KEY

DOCS = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"

SAFE_PRODUCTION = Settings(
    env="production",
    database_url="postgresql://charter@db.internal:5432/charter",
    secret_key=Secret(TEST_KEY),
    public_url="https://charter.example.com",
    workers=4,
)


def env_names() -> list[str]:
    return [f.metadata["doc"].env for f in fields(Settings)]


def test_an_empty_environment_gives_the_defaults() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.env == "development"
    assert not settings.is_production
    assert settings.database_url == "sqlite:///charter.db"
    assert settings.secret_key is None
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.error_docs_url == "https://www.twilio.com/docs/errors"
    assert settings.max_body_bytes == 65536
    assert settings.auth_failures_per_source == 20
    assert settings.auth_failures_per_account == 100
    assert settings.auth_failure_window_seconds == 60
    assert settings.cache_poll_seconds == 0.5
    assert settings.workers == 1
    assert settings.test_clock is False


def test_empty_values_count_as_unset() -> None:
    assert Settings.from_env(dict.fromkeys(env_names(), "")) == Settings()


def test_variables_outside_charters_are_ignored() -> None:
    assert Settings.from_env({"DATABASE_URL": "postgresql://x/y", "WORKERS": "8"}) == Settings()


@pytest.mark.parametrize(
    ("env", "raw", "name", "expected"),
    [
        ("CHARTER_ENV", "production", "env", "production"),
        ("CHARTER_ENV", "development", "env", "development"),
        (
            "CHARTER_DATABASE_URL",
            "sqlite:////var/lib/c.db",
            "database_url",
            "sqlite:////var/lib/c.db",
        ),
        ("CHARTER_DATABASE_URL", "postgresql://u:p@h/db", "database_url", "postgresql://u:p@h/db"),
        ("CHARTER_DATABASE_URL", "postgres://u@h/db", "database_url", "postgres://u@h/db"),
        (
            "CHARTER_DATABASE_URL",
            "postgresql+asyncpg://u@h/db",
            "database_url",
            "postgresql+asyncpg://u@h/db",
        ),
        ("CHARTER_SECRET_KEY", TEST_KEY, "secret_key", Secret(TEST_KEY)),
        ("CHARTER_PUBLIC_URL", "https://c.example.com/", "public_url", "https://c.example.com"),
        ("CHARTER_PUBLIC_URL", "http://localhost:9000", "public_url", "http://localhost:9000"),
        (
            "CHARTER_ERROR_DOCS_URL",
            "https://docs.example/e/",
            "error_docs_url",
            "https://docs.example/e",
        ),
        ("CHARTER_MAX_BODY_BYTES", "1024", "max_body_bytes", 1024),
        ("CHARTER_AUTH_FAILURES_PER_SOURCE", "5", "auth_failures_per_source", 5),
        ("CHARTER_AUTH_FAILURES_PER_ACCOUNT", "50", "auth_failures_per_account", 50),
        ("CHARTER_AUTH_FAILURE_WINDOW_SECONDS", "300", "auth_failure_window_seconds", 300),
        ("CHARTER_CACHE_POLL_SECONDS", "2", "cache_poll_seconds", 2.0),
        ("CHARTER_CACHE_POLL_SECONDS", "0.01", "cache_poll_seconds", 0.01),
        ("CHARTER_CACHE_POLL_SECONDS", "60", "cache_poll_seconds", 60.0),
        ("CHARTER_WORKERS", "4", "workers", 4),
        ("CHARTER_TEST_CLOCK", "1", "test_clock", True),
        ("CHARTER_TEST_CLOCK", "0", "test_clock", False),
    ],
)
def test_each_variable_is_parsed_into_its_field(
    env: str, raw: str, name: str, expected: object
) -> None:
    settings = Settings.from_env({env: raw})
    assert getattr(settings, name) == expected
    assert dataclasses.replace(settings, **{name: getattr(Settings(), name)}) == Settings()


@pytest.mark.parametrize(
    ("env", "raw", "message"),
    [
        ("CHARTER_ENV", "staging", "CHARTER_ENV must be development or production"),
        ("CHARTER_ENV", "Production", "CHARTER_ENV must be development or production"),
        ("CHARTER_DATABASE_URL", "mysql://u@h/db", "CHARTER_DATABASE_URL must start with"),
        ("CHARTER_DATABASE_URL", "charter.db", "CHARTER_DATABASE_URL must start with"),
        ("CHARTER_SECRET_KEY", "a", "CHARTER_SECRET_KEY is not base64url"),
        ("CHARTER_SECRET_KEY", "c2hvcnQ", "CHARTER_SECRET_KEY must encode exactly 32 bytes"),
        ("CHARTER_SECRET_KEY", TEST_KEY + "AAAA", "CHARTER_SECRET_KEY must encode exactly 32"),
        ("CHARTER_PUBLIC_URL", "charter.example.com", "CHARTER_PUBLIC_URL must be an http(s) URL"),
        ("CHARTER_PUBLIC_URL", "ftp://charter.example.com", "CHARTER_PUBLIC_URL must be an http"),
        ("CHARTER_PUBLIC_URL", "https://", "CHARTER_PUBLIC_URL must be an http(s) URL"),
        ("CHARTER_ERROR_DOCS_URL", "/docs/errors", "CHARTER_ERROR_DOCS_URL must be an http(s)"),
        ("CHARTER_MAX_BODY_BYTES", "64k", "CHARTER_MAX_BODY_BYTES must be a whole number"),
        ("CHARTER_MAX_BODY_BYTES", "1_000", "CHARTER_MAX_BODY_BYTES must be a whole number"),
        ("CHARTER_WORKERS", " 2 ", "CHARTER_WORKERS must be a whole number"),
        ("CHARTER_MAX_BODY_BYTES", "0", "CHARTER_MAX_BODY_BYTES must be at least 1"),
        ("CHARTER_AUTH_FAILURES_PER_SOURCE", "-1", "CHARTER_AUTH_FAILURES_PER_SOURCE must be at"),
        ("CHARTER_AUTH_FAILURES_PER_ACCOUNT", "1e3", "CHARTER_AUTH_FAILURES_PER_ACCOUNT must be a"),
        ("CHARTER_AUTH_FAILURE_WINDOW_SECONDS", "0", "CHARTER_AUTH_FAILURE_WINDOW_SECONDS must"),
        ("CHARTER_WORKERS", "1.5", "CHARTER_WORKERS must be a whole number"),
        ("CHARTER_WORKERS", "0", "CHARTER_WORKERS must be at least 1"),
        ("CHARTER_CACHE_POLL_SECONDS", "fast", "CHARTER_CACHE_POLL_SECONDS must be a number"),
        ("CHARTER_CACHE_POLL_SECONDS", "0", "CHARTER_CACHE_POLL_SECONDS must be between"),
        ("CHARTER_CACHE_POLL_SECONDS", "61", "CHARTER_CACHE_POLL_SECONDS must be between"),
        ("CHARTER_CACHE_POLL_SECONDS", "nan", "CHARTER_CACHE_POLL_SECONDS must be between"),
        ("CHARTER_TEST_CLOCK", "yes", "CHARTER_TEST_CLOCK must be 0 or 1"),
        ("CHARTER_TEST_CLOCK", "true", "CHARTER_TEST_CLOCK must be 0 or 1"),
    ],
)
def test_bad_values_raise_settings_error(env: str, raw: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({env: raw})
    assert str(caught.value).startswith(message)


def test_decode_secret_key_accepts_base64url_with_or_without_padding() -> None:
    key = decode_secret_key(TEST_KEY)
    assert len(key) == 32
    assert decode_secret_key(TEST_KEY + "=") == key
    assert base64.urlsafe_b64encode(key).decode().rstrip("=") == TEST_KEY


def test_safe_production_settings_pass_validation() -> None:
    assert SAFE_PRODUCTION.problems() == []
    SAFE_PRODUCTION.validate()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"secret_key": None}, "CHARTER_SECRET_KEY is not set"),
        ({"public_url": "http://charter.example.com"}, "CHARTER_PUBLIC_URL is not an https URL"),
        (
            {"database_url": "sqlite:///charter.db"},
            "SQLite cannot be shared by several worker processes safely",
        ),
        (
            {"test_clock": True},
            "CHARTER_TEST_CLOCK is on: anyone can move the server's time forward",
        ),
    ],
)
def test_production_refuses_unsafe_values_and_development_only_lists_them(
    changes: dict[str, object], problem: str
) -> None:
    unsafe = dataclasses.replace(SAFE_PRODUCTION, **changes)  # type: ignore[arg-type]
    assert unsafe.problems() == [problem]
    with pytest.raises(SettingsError, match=f"refusing to start in production: {problem}"):
        unsafe.validate()
    development = dataclasses.replace(unsafe, env="development")
    assert development.problems() == [problem]
    development.validate()


def test_sqlite_with_one_worker_is_safe_in_production() -> None:
    dataclasses.replace(SAFE_PRODUCTION, database_url="sqlite:///c.db", workers=1).validate()


def test_production_names_every_problem_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"CHARTER_ENV": "production", "CHARTER_WORKERS": "2"}).validate()
    assert str(caught.value) == (
        "refusing to start in production: CHARTER_SECRET_KEY is not set; "
        "CHARTER_PUBLIC_URL is not an https URL; "
        "SQLite cannot be shared by several worker processes safely"
    )


def test_secret_hides_its_value() -> None:
    secret = Secret("hunter2-is-my-password")
    assert repr(secret) == str(secret) == "Secret('**********')"
    assert f"{secret}" == "Secret('**********')"
    assert secret.reveal() == "hunter2-is-my-password"
    assert "hunter2" not in repr(Settings(secret_key=secret))
    assert secret == Secret("hunter2-is-my-password")
    assert secret != Secret("other")
    assert hash(secret) == hash(Secret("hunter2-is-my-password"))


def test_every_setting_is_documented_in_configuration_md() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [name for name in env_names() if f"`{name}`" not in text]
    assert missing == []


def test_configuration_md_shows_the_generated_settings_table() -> None:
    assert settings_table() in DOCS.read_text(encoding="utf-8")
