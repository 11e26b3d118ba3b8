"""The authorization server: Authlib's `AuthorizationServer` with the client-credentials grant,
RFC 7662 introspection and RFC 7009 revocation, adapted to already-parsed requests.

Everything here is synchronous and in memory: the web layer loads the client first (see
`clients.current_client`) and writes revocations afterwards, so Authlib never touches storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from charter.domain.clock import Clock
from charter.domain.oauth_apps import check_scope
from charter.oauth.clients import AUTH_METHODS, Client, current_client
from charter.oauth.tokens import AccessClaims, AccessTokens, InvalidToken


@dataclass(frozen=True, slots=True)
class OAuthResponse:
    status: int
    body: dict[str, Any]
    headers: list[tuple[str, str]]


class FormRequest(OAuth2Request):  # type: ignore[misc]  # Authlib is untyped
    """A POST whose form has been read and checked (no repeated keys) by the web layer."""

    def __init__(self, uri: str, headers: Any, form: dict[str, str]) -> None:
        super().__init__("POST", uri, headers=headers)
        self.payload = BasicOAuth2Payload(form)
        self._form = form
        self.revoked: AccessClaims | None = None

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


class _Grant(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)

    def validate_requested_scope(self) -> None:
        client: Client = self.request.client
        try:
            check_scope(client.app.policy, self.request.payload.scope)
        except ValueError as exc:
            raise InvalidScopeError(f"The scope {exc} is not within the app's policy") from None


class _Token:
    """An access token as Authlib's introspection and revocation endpoints see it."""

    def __init__(self, claims: AccessClaims) -> None:
        self.claims = claims

    def check_client(self, client: Client) -> bool:
        return self.claims.client_id == client.client_id

    def is_expired(self) -> bool:
        return False  # `AccessTokens.verify` refused expired tokens already

    def is_revoked(self) -> bool:
        return False  # likewise


def _query(tokens: AccessTokens, token: str, hint: str | None) -> _Token | None:
    if hint == "refresh_token":  # no refresh tokens are issued to OAuth apps
        return None
    try:
        return _Token(tokens.verify(token))
    except InvalidToken:
        return None


class _Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = list(AUTH_METHODS)

    def __init__(self, server: CharterAuthorizationServer) -> None:
        super().__init__(server)
        self._tokens = server.tokens

    def query_token(self, token_string: str, token_type_hint: str | None) -> _Token | None:
        return _query(self._tokens, token_string, token_type_hint)

    def check_permission(self, token: _Token, client: Client, request: FormRequest) -> bool:
        return token.check_client(client)  # a client learns only about its own tokens

    def introspect_token(self, token: _Token) -> dict[str, Any]:
        claims = token.claims.as_dict(self._tokens.issuer, self._tokens.audience)
        return {"active": True, "token_type": "Bearer", **claims}


class _Revocation(RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = list(AUTH_METHODS)

    def __init__(self, server: CharterAuthorizationServer) -> None:
        super().__init__(server)
        self._tokens = server.tokens

    def query_token(self, token_string: str, token_type_hint: str | None) -> _Token | None:
        return _query(self._tokens, token_string, token_type_hint)

    def revoke_token(self, token: _Token, request: FormRequest) -> None:
        request.revoked = token.claims  # written to storage by the caller before it answers


class CharterAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, tokens: AccessTokens, clock: Clock) -> None:
        super().__init__(scopes_supported=None)
        self.tokens = tokens
        self._clock = clock
        self.register_grant(_Grant)
        self.register_token_generator("default", self._generate)
        self.register_endpoint(_Introspection(self))
        self.register_endpoint(_Revocation(self))

    def query_client(self, client_id: str) -> Client:
        client = current_client.get()
        if client is None or client.client_id != client_id:
            return Client(client_id, None, self._clock.now())
        return client

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Access tokens are self-contained JWTs: nothing to store."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals."""

    def create_oauth2_request(self, request: FormRequest) -> FormRequest:
        return request

    def handle_response(
        self, status: int, body: dict[str, Any], headers: list[tuple[str, str]]
    ) -> OAuthResponse:
        return OAuthResponse(status, body, list(headers))

    def _generate(
        self,
        grant_type: str,
        client: Client,
        user: object = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        normalized = " ".join(sorted(set(scope.split()))) if scope and scope.strip() else None
        token, _ = self.tokens.issue(client.app, normalized)
        body: dict[str, Any] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": client.app.access_token_ttl,
            "refresh_token": None,
            "id_token": None,
        }
        if normalized is not None:
            body["scope"] = normalized
        return body

    def token(self, request: FormRequest) -> OAuthResponse:
        response: OAuthResponse = self.create_token_response(request)
        return response

    def introspect(self, request: FormRequest) -> OAuthResponse:
        response: OAuthResponse = self.create_endpoint_response("introspection", request)
        return response

    def revoke(self, request: FormRequest) -> OAuthResponse:
        response: OAuthResponse = self.create_endpoint_response("revocation", request)
        return response
