"""Access tokens: RFC 9068 JWTs signed ES256, issued to OAuth apps and verified on every request.

Claims: `iss` (this server), `sub` (the app's account), `aud` (the API), `client_id`, `scope` (only
when the client asked for one), `iat`, integer `exp`, `jti`. Verification pins the algorithm,
takes keys only from our own key set (by `kid`), requires `typ: at+jwt`, checks `iss`, `aud` and
`exp` on the server's clock, and refuses revoked `jti`s.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jws import JWSRegistry

from charter.domain.clock import Clock
from charter.domain.ids import is_sid
from charter.domain.oauth_apps import OAuthApp
from charter.oauth.keyring import ALGORITHM, KeyRing

_ALGORITHMS = [ALGORITHM]
# What `jwt.encode` / `jwt.decode` build from `algorithms=[ES256]` on every call, built once.
_REGISTRY = JWSRegistry(algorithms=_ALGORITHMS)
TOKEN_TYPE = "at+jwt"  # noqa: S105 - the JWT `typ`, not a secret


class InvalidToken(Exception):
    """The token is not one this server issued, is expired, revoked, or malformed."""

    def __init__(self, reason: str, *, unknown_key: bool = False) -> None:
        super().__init__(reason)
        self.unknown_key = unknown_key


@dataclass(frozen=True, slots=True)
class AccessClaims:
    sub: str
    client_id: str
    scope: str | None
    jti: str
    iat: int
    exp: int

    def as_dict(self, issuer: str, audience: str) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "iss": issuer,
            "sub": self.sub,
            "aud": audience,
            "client_id": self.client_id,
            "iat": self.iat,
            "exp": self.exp,
            "jti": self.jti,
        }
        if self.scope is not None:
            claims["scope"] = self.scope
        return claims


class Revocations:
    """Revoked `jti`s that have not expired yet (a revoked token is refused until its `exp`)."""

    def __init__(self) -> None:
        self._revoked: dict[str, int] = {}

    def add(self, jti: str, exp: int, now: int) -> None:
        """Refuse `jti` until `exp`; revocations whose tokens have expired by `now` are
        forgotten here (revocations are rare, so the set stays as small as the live ones)."""
        self._revoked = {j: e for j, e in self._revoked.items() if e > now}
        self._revoked[jti] = exp

    def replace(self, entries: list[tuple[str, int]]) -> None:
        self._revoked = dict(entries)

    def __contains__(self, jti: str) -> bool:
        return jti in self._revoked

    def __len__(self) -> int:
        return len(self._revoked)


class AccessTokens:
    def __init__(self, keyring: KeyRing, clock: Clock, issuer: str, audience: str) -> None:
        self._keyring = keyring
        self._clock = clock
        self.issuer = issuer
        self.audience = audience
        self.revoked = Revocations()

    def issue(self, app: OAuthApp, scope: str | None) -> tuple[str, AccessClaims]:
        now = int(self._clock.now().timestamp())
        claims = AccessClaims(
            sub=app.account_sid,
            client_id=app.sid,
            scope=scope,
            jti=uuid.uuid4().hex,
            iat=now,
            exp=now + app.access_token_ttl,
        )
        keys = self._keyring.keys
        header = {"alg": ALGORITHM, "kid": keys.signing_kid, "typ": TOKEN_TYPE}
        token = jwt.encode(
            header, claims.as_dict(self.issuer, self.audience), keys.signing, registry=_REGISTRY
        )
        return token, claims

    def verify(self, token: str) -> AccessClaims:
        """The claims of a valid, unexpired, unrevoked token of ours; `InvalidToken` otherwise."""
        if len(token) > 4096 or token.count(".") != 2:
            raise InvalidToken("malformed")
        keys = self._keyring.keys
        try:
            decoded = jwt.decode(token, keys.verifying, registry=_REGISTRY)
        except InvalidKeyIdError:
            # A key rotated in on another instance moments ago may be the reason: the caller
            # may reload the key ring and retry once.
            raise InvalidToken("kid", unknown_key=True) from None
        except (JoseError, ValueError, TypeError, KeyError):
            raise InvalidToken("signature") from None
        if decoded.header.get("typ") != TOKEN_TYPE:
            raise InvalidToken("typ")
        claims = decoded.claims
        return self._check(claims)

    def _check(self, claims: dict[str, Any]) -> AccessClaims:
        now = int(self._clock.now().timestamp())
        exp, iat = claims.get("exp"), claims.get("iat")
        sub, client_id, jti = claims.get("sub"), claims.get("client_id"), claims.get("jti")
        scope = claims.get("scope")
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if (
            claims.get("iss") != self.issuer
            or self.audience not in audiences
            or type(exp) is not int
            or type(iat) is not int
            or not isinstance(sub, str)
            or not isinstance(client_id, str)
            or not isinstance(jti, str)
            or not (scope is None or isinstance(scope, str))
            or not is_sid(sub, "AC")
            or not is_sid(client_id, "OQ")
        ):
            raise InvalidToken("claims")
        if now >= exp:
            raise InvalidToken("expired")
        if jti in self.revoked:
            raise InvalidToken("revoked")
        return AccessClaims(sub, client_id, scope, jti, iat, exp)


def timestamp(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)
