"""Shared fixtures: settings, a fresh database per test, the app behind a TestClient, the CLI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from charter.domain.clock import FixedClock
from charter.settings import Secret, Settings
from charter.web.app import create_app
from tests import databases

TEST_KEY = "q2Xr6fJ1pNnYvH3n0vQGmZ0dHk8Qm9oQy3G0n8dW1cE"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("CHARTER_") and name not in databases.TEST_VARIABLES:
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    if databases.backend() != "sqlite":
        return None
    return databases.sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str | None]:
    if databases.backend() != "postgres":
        yield None
        return
    url = databases.create_postgres_database()
    yield url
    databases.drop_postgres_database(url)


@pytest.fixture
def database_url(_sqlite_template: Path | None, _postgres_url: str | None, tmp_path: Path) -> str:
    """A migrated, empty database for this test."""
    if _postgres_url is not None:
        databases.truncate_postgres(_postgres_url)
        return _postgres_url
    assert _sqlite_template is not None
    return databases.fresh_sqlite(_sqlite_template, tmp_path)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    # No background webhook delivery in unit tests (it would reach the network); tests of
    # the worker turn it on with a mock transport (tests/webhooks).
    return Settings(database_url=database_url, secret_key=Secret(TEST_KEY), webhook_worker=False)


@pytest.fixture
def client(settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    app = create_app(settings, clock)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def cli_runner(settings: Settings) -> CliRunner:
    return CliRunner(
        env={
            "CHARTER_DATABASE_URL": settings.database_url,
            "CHARTER_SECRET_KEY": TEST_KEY,
        }
    )
