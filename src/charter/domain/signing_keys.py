"""Access-token signing keys: which key signs, which keys verify, and when they rotate.

The newest key that is not retired signs. A retired key still verifies (and is published in the
JWKS) until `expires_at`, which is set on rotation to outlive every token it signed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from charter.domain.oauth_apps import MAX_TTL


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    algorithm: str
    private_pem: str = dataclasses.field(repr=False)
    public_jwk: dict[str, Any]
    created_at: datetime
    retired_at: datetime | None = None
    expires_at: datetime | None = None

    def publishable(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


def signer(keys: Sequence[SigningKey]) -> SigningKey | None:
    """The key that signs new tokens: the newest one not retired."""
    active = [k for k in keys if k.retired_at is None]
    return max(active, key=lambda k: k.created_at) if active else None


def retire(key: SigningKey, now: datetime, overlap_seconds: int = MAX_TTL) -> SigningKey:
    """`key` no longer signs; it verifies for `overlap_seconds` more (default: the longest TTL)."""
    return dataclasses.replace(
        key, retired_at=now, expires_at=now + timedelta(seconds=overlap_seconds)
    )
