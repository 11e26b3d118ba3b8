"""OAuth apps through the unmodified `twilio` library (`client.iam.v1.o_auth_apps`, JSON bodies)."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest.iam.v1.o_auth_app import OAuthAppList

from tests.e2e.conftest import CharterServer, MainAccount
from tests.twilio_local import http_client_of

pytestmark = pytest.mark.slow

READ = "/twilio/messaging/messages/read"


def test_create_update_and_delete_an_app(server: CharterServer, main_account: MainAccount) -> None:
    client = server.twilio(main_account.sid, main_account.auth_token)
    apps = client.iam.v1.o_auth_apps
    created = apps.create(
        OAuthAppList.IamV1AccountVendorOauthAppCreateRequest(
            {
                "type": "client_credentials",
                "friendly_name": "CRM sync",
                "description": "reads messages",
                "owner_sid": main_account.sid,
                "token_endpoint_auth_method": "client_secret_basic",
                "policy": {"allow": [READ]},
                "access_token_ttl": 900,
            }
        )
    )
    assert created.sid is not None
    assert created.sid.startswith("OQ")
    assert created.secret is not None
    assert len(created.secret) == 32
    assert created.friendly_name == "CRM sync"
    assert created.type == "client_credentials"
    assert created.status == "active"
    assert created.access_token_ttl == 900
    assert created.created_by == main_account.sid
    assert created.date_created is not None
    assert created.policy == {"allow": [READ], "deny": []}

    updated = apps(created.sid).update(
        OAuthAppList.IamV1AccountVendorOauthAppUpdateRequest(
            {"friendly_name": "CRM sync v2", "access_token_ttl": 600}
        )
    )
    assert updated.sid == created.sid
    assert updated.friendly_name == "CRM sync v2"
    assert updated.access_token_ttl == 600
    assert updated.description == "reads messages"  # absent (None is not sent): kept
    assert updated.secret is None

    with server.http(main_account.auth) as http:
        fetched = http.get(f"/v1/Account/OAuthApps/{created.sid}")
    assert fetched.json()["friendly_name"] == "CRM sync v2"

    assert apps(created.sid).delete() is True
    sent = http_client_of(client).sent
    assert [(r.method, r.path) for r in sent] == [
        ("POST", "/v1/Account/OAuthApps"),
        ("PUT", f"/v1/Account/OAuthApps/{created.sid}"),
        ("DELETE", f"/v1/Account/OAuthApps/{created.sid}"),
    ]
    with pytest.raises(TwilioRestException) as gone:
        apps(created.sid).delete()
    assert (gone.value.status, gone.value.code) == (404, 20404)


def test_refusals_surface_as_twilio_errors(
    server: CharterServer, main_account: MainAccount
) -> None:
    client = server.twilio(main_account.sid, main_account.auth_token)
    with pytest.raises(TwilioRestException) as invalid:
        client.iam.v1.o_auth_apps.create(
            OAuthAppList.IamV1AccountVendorOauthAppCreateRequest(
                {"friendly_name": "x", "policy": {"allow": ["/twilio/made/up/read"]}}
            )
        )
    assert (invalid.value.status, invalid.value.code) == (400, 70002)
    with server.http(main_account.auth) as http:
        key = http.post("/v1/Keys", data={"AccountSid": main_account.sid}).json()
    standard = server.twilio(key["sid"], key["secret"], main_account.sid)
    with pytest.raises(TwilioRestException) as refused:
        standard.iam.v1.o_auth_apps.create(
            OAuthAppList.IamV1AccountVendorOauthAppCreateRequest(
                {"friendly_name": "x", "policy": {"allow": [READ]}}
            )
        )
    assert (refused.value.status, refused.value.code) == (401, 20003)
