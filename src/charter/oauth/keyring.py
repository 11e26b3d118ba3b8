"""The signing keys, loaded into memory: the one that signs and the key set that verifies.

Keys live in the database (private halves encrypted); every instance loads them at start and
again when the change feed says "signing_key" changed. If there is no key yet, the first instance
to start creates one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from joserfc.jwk import ECKey, KeySet

from charter.domain.clock import Clock
from charter.domain.ports import UnitOfWorkFactory
from charter.domain.signing_keys import SigningKey, retire, signer

ALGORITHM = "ES256"
CHANGE_ENTITY = "signing_key"


def generate_key(now: datetime) -> SigningKey:
    """A new P-256 key; its `kid` is the RFC 7638 thumbprint of its public half."""
    key = ECKey.generate_key("P-256", private=True)
    kid = key.thumbprint()
    public = {**key.as_dict(private=False), "kid": kid, "alg": ALGORITHM, "use": "sig"}
    pem = key.as_pem(private=True).decode("ascii")
    return SigningKey(kid, ALGORITHM, pem, public, now)


@dataclass(frozen=True, slots=True)
class LoadedKeys:
    signing: ECKey
    signing_kid: str
    verifying: KeySet
    published: list[dict[str, Any]]


def _load(keys: Sequence[SigningKey], now: datetime) -> LoadedKeys:
    active = signer(keys)
    if active is None:
        raise RuntimeError("no signing key")  # pragma: no cover - ensure() creates one first
    live = [k for k in keys if k.publishable(now)]
    verifying = KeySet([ECKey.import_key(k.public_jwk) for k in live])
    private = ECKey.import_key(active.private_pem, {"kid": active.kid})
    return LoadedKeys(private, active.kid, verifying, [dict(k.public_jwk) for k in live])


class KeyRing:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._loaded: LoadedKeys | None = None

    @property
    def keys(self) -> LoadedKeys:
        if self._loaded is None:
            raise RuntimeError("the key ring is not loaded")  # pragma: no cover
        return self._loaded

    async def load(self) -> None:
        """Read the keys, creating the first one when there is none."""
        now = self._clock.now()
        async with self._uow() as uow:
            keys = list(await uow.signing_keys.all())
            if signer(keys) is None:
                fresh = generate_key(now)
                await uow.signing_keys.add(fresh)
                await uow.changes.record(CHANGE_ENTITY, fresh.kid)
                await uow.commit()
                keys.append(fresh)
        self._loaded = _load(keys, now)

    async def rotate(self, overlap_seconds: int) -> SigningKey:
        """A new key signs from now on; the old ones verify for `overlap_seconds` more."""
        now = self._clock.now()
        fresh = generate_key(now)
        async with self._uow() as uow:
            for key in await uow.signing_keys.all():
                if key.retired_at is None:
                    await uow.signing_keys.retire(retire(key, now, overlap_seconds))
            await uow.signing_keys.purge_expired(now)
            await uow.signing_keys.add(fresh)
            await uow.changes.record(CHANGE_ENTITY, fresh.kid)
            await uow.commit()
        await self.load()
        return fresh

    def jwks(self) -> dict[str, Any]:
        return {"keys": self.keys.published}
