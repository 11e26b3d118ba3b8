"""Shared CLI plumbing: settings from the environment, a runtime for one command, clean errors."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from charter.domain.errors import DomainError
from charter.runtime import Runtime, build_runtime
from charter.settings import Settings, SettingsError
from charter.storage.migrate import upgrade

T = TypeVar("T")


def load_settings(**overrides: object) -> Settings:
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    if overrides:
        import dataclasses

        settings = dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]
    return settings


def run_with_runtime(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Migrate, then run `work` against a runtime that is closed afterwards."""
    try:
        upgrade(settings.database_url)
    except Exception as exc:
        raise click.ClickException(f"cannot open the database: {exc}") from None

    async def run() -> T:
        runtime = build_runtime(settings)
        try:
            if runtime.test_clock is not None:
                await runtime.test_clock.load()
            return await work(runtime)
        finally:
            await runtime.stop()

    try:
        return asyncio.run(run())
    except (DomainError, SettingsError) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from None
