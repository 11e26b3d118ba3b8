"""Tenant isolation for resources: another account's resource looks exactly like a missing one."""

from __future__ import annotations

from typing import Protocol, TypeVar

from charter.domain.errors import NotFound


class Owned(Protocol):
    @property
    def account_sid(self) -> str: ...


T = TypeVar("T", bound=Owned)


def owned(found: T | None, account_sid: str, noun: str, sid: str) -> T:
    """`found` when it belongs to `account_sid`; `NotFound` (20404) when absent or another's."""
    if found is None or found.account_sid != account_sid:
        raise NotFound(f"The requested resource {noun} {sid} was not found")
    return found
