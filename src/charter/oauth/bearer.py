"""Bearer authentication: an access token turned into an `oauth_app` principal, or a refusal.

Every request verifies the signature (no verified-token cache); the app must still exist and own
the token's account, the account must be usable, and the principal carries the permissions the
app's current policy grants within the token's scope.
"""

from __future__ import annotations

import time
from functools import lru_cache

from charter.domain.errors import AccountNotActive, InvalidAccessToken
from charter.domain.ids import AccountSid
from charter.domain.models import Principal
from charter.domain.oauth_apps import Policy, effective_permissions
from charter.oauth.keyring import KeyRing
from charter.oauth.tokens import AccessClaims, AccessTokens, InvalidToken
from charter.services.directory import Directory

_RELOAD_INTERVAL = 1.0  # at most one key-ring reload a second for unknown `kid`s


@lru_cache(maxsize=4096)
def _permissions(policy: Policy, scope: str | None) -> frozenset[str]:
    return effective_permissions(policy, None if scope is None else frozenset(scope.split()))


class BearerAuthenticator:
    def __init__(self, tokens: AccessTokens, keyring: KeyRing, directory: Directory) -> None:
        self._tokens = tokens
        self._keyring = keyring
        self._directory = directory
        self._last_reload = 0.0

    async def _claims(self, token: str) -> AccessClaims:
        try:
            return self._tokens.verify(token)
        except InvalidToken as exc:
            # A key created on another instance moments ago: reload once, then decide.
            if exc.unknown_key and time.monotonic() - self._last_reload > _RELOAD_INTERVAL:
                self._last_reload = time.monotonic()
                await self._keyring.load()
                try:
                    return self._tokens.verify(token)
                except InvalidToken:
                    pass
            raise InvalidAccessToken() from None

    async def authenticate(self, token: str) -> Principal:
        claims = await self._claims(token)
        credentials = await self._directory.oauth_app(claims.client_id)
        if credentials is None or credentials.app.account_sid != claims.sub:
            raise InvalidAccessToken()
        account = await self._directory.account(AccountSid(claims.sub))
        if account is None:  # pragma: no cover - apps are deleted with their account
            raise InvalidAccessToken()
        if not await self._directory.usable(account):
            raise AccountNotActive("Account is not active")
        return Principal(
            kind="oauth_app",
            account_sid=account.sid,
            main_account_sid=account.main_account_sid,
            credential_id=claims.client_id,
            policy=_permissions(credentials.app.policy, claims.scope),
        )
