"""Signing keys (private halves encrypted at rest) and revoked access tokens."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from charter.domain.signing_keys import SigningKey
from charter.security import Cipher
from charter.storage.tables import RevokedTokenRow, SigningKeyRow


def _context(kid: str) -> str:
    return f"signing_keys.private_key:{kid}"


class SQLSigningKeyRepo:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def all(self) -> Sequence[SigningKey]:
        rows = await self._session.scalars(select(SigningKeyRow).order_by(SigningKeyRow.seq))
        return [
            SigningKey(
                kid=r.kid,
                algorithm=r.algorithm,
                private_pem=self._cipher.decrypt(r.private_key_enc, _context(r.kid)),
                public_jwk=json.loads(r.public_jwk),
                created_at=r.created_at,
                retired_at=r.retired_at,
                expires_at=r.expires_at,
            )
            for r in rows
        ]

    async def add(self, key: SigningKey) -> None:
        self._session.add(
            SigningKeyRow(
                kid=key.kid,
                algorithm=key.algorithm,
                private_key_enc=self._cipher.encrypt(key.private_pem, _context(key.kid)),
                public_jwk=json.dumps(key.public_jwk, sort_keys=True),
                created_at=key.created_at,
                retired_at=key.retired_at,
                expires_at=key.expires_at,
            )
        )
        await self._session.flush()

    async def retire(self, key: SigningKey) -> None:
        await self._session.execute(
            update(SigningKeyRow)
            .where(SigningKeyRow.kid == key.kid)
            .values(retired_at=key.retired_at, expires_at=key.expires_at)
        )

    async def purge_expired(self, now: datetime) -> None:
        await self._session.execute(
            delete(SigningKeyRow).where(
                SigningKeyRow.expires_at.is_not(None), SigningKeyRow.expires_at <= now
            )
        )


class SQLRevokedTokenRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, jti: str, client_id: str, expires_at: datetime, now: datetime) -> bool:
        """Record a revocation; False when `jti` was already revoked (also by a concurrent
        request: the primary key decides, inside a savepoint)."""
        if await self._session.get(RevokedTokenRow, jti) is not None:
            return False
        try:
            async with self._session.begin_nested():
                self._session.add(
                    RevokedTokenRow(
                        jti=jti, client_id=client_id, expires_at=expires_at, revoked_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    async def live(self, now: datetime) -> Sequence[tuple[str, datetime]]:
        """(jti, expires_at) of revoked tokens that have not expired yet."""
        rows = await self._session.execute(
            select(RevokedTokenRow.jti, RevokedTokenRow.expires_at).where(
                RevokedTokenRow.expires_at > now
            )
        )
        return [(r[0], r[1]) for r in rows]

    async def purge_expired(self, now: datetime) -> None:
        await self._session.execute(
            delete(RevokedTokenRow).where(RevokedTokenRow.expires_at <= now)
        )
