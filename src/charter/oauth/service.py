"""The OAuth side of a running instance: keys, tokens, the Authlib server and Bearer checks,
kept in step with other instances through the change feed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from charter.domain.clock import Clock
from charter.domain.ports import UnitOfWorkFactory
from charter.oauth.bearer import BearerAuthenticator
from charter.oauth.keyring import CHANGE_ENTITY as KEY_CHANGE, KeyRing
from charter.oauth.server import CharterAuthorizationServer
from charter.oauth.tokens import AccessClaims, AccessTokens, timestamp
from charter.services.directory import Directory

log = logging.getLogger("charter.oauth")

REVOCATION_CHANGE = "revoked_token"


class OAuthService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, directory: Directory, issuer: str
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.issuer = issuer.rstrip("/")
        self.keyring = KeyRing(uow, clock)
        self.tokens = AccessTokens(self.keyring, clock, self.issuer, self.issuer)
        self.server = CharterAuthorizationServer(self.tokens, clock)
        self.bearer = BearerAuthenticator(self.tokens, self.keyring, directory)
        self._reloads: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.keyring.load()
        await self._load_revocations()

    async def _load_revocations(self) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            live = await uow.revoked_tokens.live(now)
        self.tokens.revoked.replace([(jti, int(exp.timestamp())) for jti, exp in live])

    async def revoke(self, claims: AccessClaims) -> None:
        """Refuse `claims.jti` from now on, on every instance, until the token would expire."""
        now = self._clock.now()
        async with self._uow() as uow:
            await uow.revoked_tokens.purge_expired(now)
            if await uow.revoked_tokens.add(
                claims.jti, claims.client_id, timestamp(claims.exp), now
            ):
                await uow.changes.record(REVOCATION_CHANGE, f"{claims.jti}:{claims.exp}")
            await uow.commit()
        self.tokens.revoked.add(claims.jti, claims.exp, int(now.timestamp()))

    def on_changes(self, changes: Sequence[tuple[str, str]]) -> None:
        """Apply revocations and key rotations made on any instance."""
        reload_keys = False
        for entity, key in changes:
            if entity == REVOCATION_CHANGE:
                jti, _, exp = key.partition(":")
                if exp.isdigit():
                    now = int(self._clock.now().timestamp())
                    self.tokens.revoked.add(jti, int(exp), now)
            elif entity == KEY_CHANGE:
                reload_keys = True
        if reload_keys:
            task = asyncio.get_running_loop().create_task(self._reload_keys())
            self._reloads.add(task)
            task.add_done_callback(self._reloads.discard)

    async def stop(self) -> None:
        """Cancel key reloads still under way (before the engine they use is disposed)."""
        tasks = list(self._reloads)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _reload_keys(self) -> None:
        try:
            await self.keyring.load()
        except Exception:  # the next change or an unknown kid retries
            log.warning("could not reload the signing keys", exc_info=True)
