"""OAuth apps as Authlib clients: secret checks against the valid secrets' digests.

An unknown `client_id` becomes a client that never authenticates, after the same digest work, so
an unknown client and a wrong secret look the same (status, body and timing).
"""

from __future__ import annotations

import hmac
from contextvars import ContextVar
from datetime import datetime

from authlib.oauth2.rfc6749 import ClientMixin

from charter.domain.oauth_apps import OAuthApp
from charter.security import digest
from charter.services.directory import AppCredentials

AUTH_METHODS = ("client_secret_basic", "client_secret_post")
GRANT_TYPES = frozenset({"client_credentials"})
_NO_MATCH = digest("charter: no OAuth app secret has this digest")


class Client(ClientMixin):  # type: ignore[misc]  # Authlib is untyped
    def __init__(self, client_id: str, credentials: AppCredentials | None, now: datetime) -> None:
        self.client_id = client_id
        self.credentials = credentials
        self._now = now

    @property
    def app(self) -> OAuthApp:
        assert self.credentials is not None  # noqa: S101 - only asked after authentication
        return self.credentials.app

    def get_client_id(self) -> str:
        return self.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        candidate = digest(client_secret)
        digests = (
            [s.digest for s in self.credentials.secrets if s.valid_at(self._now)]
            if (self.credentials is not None)
            else []
        )
        matched = False
        for stored in digests or [_NO_MATCH]:
            matched |= hmac.compare_digest(candidate, stored)
        return matched and bool(digests)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return self.credentials is not None and method in AUTH_METHODS

    def check_grant_type(self, grant_type: str) -> bool:
        return self.credentials is not None and grant_type in GRANT_TYPES

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return scope


# The client the current request named, loaded (asynchronously) before Authlib's synchronous
# code runs; `query_client` reads it from here.
current_client: ContextVar[Client | None] = ContextVar("charter_oauth_client", default=None)
