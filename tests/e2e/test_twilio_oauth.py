"""The done-when of OAuth apps, through the real, unmodified `twilio` library against a real
`charter serve`: an app created with the library gets tokens through `ClientCredentialProvider`
and uses them within its policy and nowhere else; the token verifies against the published JWKS.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.credential.client_credential_provider import ClientCredentialProvider
from twilio.http.client_token_manager import ClientTokenManager
from twilio.rest import Client
from twilio.rest.iam.v1.o_auth_app import OAuthAppList

from tests.e2e.conftest import CharterServer, MainAccount
from tests.twilio_local import ISOLATED_ENVIRONMENT, LocalTwilioHttpClient


def _create_app(server: CharterServer, account: MainAccount, allow: list[str]) -> Any:
    owner = server.twilio(account.sid, account.auth_token)
    request = OAuthAppList.IamV1AccountVendorOauthAppCreateRequest(
        {"type": "client_credentials", "friendly_name": "Reporting", "policy": {"allow": allow}}
    )
    return owner.iam.v1.o_auth_apps.create(iam_v1_account_vendor_oauth_app_create_request=request)


def _oauth_client(server: CharterServer, account_sid: str, client_id: str, secret: str) -> Client:
    """A library client authenticating with client credentials. The library's token manager
    builds its own `Client()` for `oauth.twilio.com/v2/token`; only its transport is pointed at
    the local server, as for every other client in these tests."""
    manager = ClientTokenManager("client_credentials", client_id, secret)
    manager.client = Client(
        http_client=LocalTwilioHttpClient(server.base, timeout=10),
        environment=ISOLATED_ENVIRONMENT,
    )
    provider = ClientCredentialProvider(client_id, secret, token_manager=manager)
    http = LocalTwilioHttpClient(server.base, timeout=10)
    return Client(
        account_sid=account_sid,
        credential_provider=provider,
        http_client=http,
        environment=ISOLATED_ENVIRONMENT,
    )


def test_client_credentials_app_works_within_its_policy(
    server: CharterServer, main_account: MainAccount
) -> None:
    app = _create_app(server, main_account, ["/twilio/voice/calls/list"])
    assert app.sid.startswith("OQ")
    assert app.secret
    client = _oauth_client(server, main_account.sid, app.sid, app.secret)
    token_http = client.credential_provider.token_manager.client.http_client

    calls = client.api.v2010.accounts(main_account.sid).calls.list(limit=5)
    assert calls == []
    client.api.v2010.accounts(main_account.sid).calls.list(limit=5)
    # one token, fetched once from /v2/token and reused while its exp is in the future
    assert [r.path for r in token_http.sent] == ["/v2/token"]

    with pytest.raises(TwilioRestException) as refused:  # not in the policy
        client.api.v2010.accounts(main_account.sid).fetch()
    assert refused.value.status == 401
    assert refused.value.code == 70051

    token = client.credential_provider.to_auth_strategy().token
    with httpx.Client(base_url=server.base, trust_env=False) as http:
        keys = KeySet.import_key_set(http.get("/.well-known/jwks.json").json())
    claims = jwt.decode(token, keys, algorithms=["ES256"]).claims
    assert claims["sub"] == main_account.sid
    assert claims["client_id"] == app.sid


def test_the_app_reaches_no_other_account(
    server: CharterServer, main_account: MainAccount, account_pool: Any
) -> None:
    other = account_pool.take()
    app = _create_app(server, main_account, ["/twilio/voice/calls/list"])
    client = _oauth_client(server, main_account.sid, app.sid, app.secret)
    with pytest.raises(TwilioException) as refused:
        client.api.v2010.accounts(other.sid).calls.list(limit=5)
    assert "HTTP 404" in str(refused.value)


def test_deleting_the_app_stops_its_token_at_once(
    server: CharterServer, main_account: MainAccount
) -> None:
    app = _create_app(server, main_account, ["/twilio/voice/calls/list"])
    client = _oauth_client(server, main_account.sid, app.sid, app.secret)
    client.api.v2010.accounts(main_account.sid).calls.list(limit=1)
    owner = server.twilio(main_account.sid, main_account.auth_token)
    assert owner.iam.v1.o_auth_apps(app.sid).delete() is True
    with pytest.raises(TwilioException) as refused:
        client.api.v2010.accounts(main_account.sid).calls.list(limit=1)
    assert "HTTP 401" in str(refused.value)
    # the library's Monitor client reads the app's audit trail
    events = owner.monitor.v1.events.list(resource_sid=app.sid)
    assert [e.event_type for e in events] == ["oauth-apps.deleted", "oauth-apps.created"]
