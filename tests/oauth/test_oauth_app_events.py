"""The four OAuth app audit events through the front door: `/v1/Events` over HTTP and with the
real twilio library's Monitor client."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from tests.factories import make_account

APPS = "/v1/Account/OAuthApps"


def test_created_updated_rotated_deleted_appear_in_v1_events(client: TestClient) -> None:
    account = make_account(client)
    auth = (account.sid, account.auth_token)
    created = client.post(
        APPS,
        json={"friendly_name": "Audited", "policy": {"allow": ["/twilio/voice/calls/list"]}},
        auth=auth,
    )
    assert created.status_code == 201, created.text
    sid, secret = created.json()["sid"], created.json()["secret"]
    assert (
        client.put(f"{APPS}/{sid}", json={"friendly_name": "Renamed"}, auth=auth).status_code == 200
    )
    rotated = client.post(f"{APPS}/{sid}/secret", json={}, auth=auth)
    assert rotated.status_code == 200
    assert client.delete(f"{APPS}/{sid}", auth=auth).status_code == 204

    listed = client.get("/v1/Events", params={"ResourceSid": sid}, auth=auth)
    assert listed.status_code == 200, listed.text
    events = listed.json()["events"]
    assert [e["event_type"] for e in events] == [  # newest first
        "oauth-apps.deleted",
        "oauth-apps.secret-rotated",
        "oauth-apps.updated",
        "oauth-apps.created",
    ]
    for event in events:
        assert event["resource_sid"] == sid
        assert event["resource_type"] == "oauth-apps"
        assert event["actor_type"] == "account"
        assert event["actor_sid"] == account.sid
        assert event["source"] == "api"
    text = json.dumps(events)
    assert secret not in text
    assert rotated.json()["secret"] not in text
    only_rotations = client.get(
        "/v1/Events", params={"EventType": "oauth-apps.secret-rotated"}, auth=auth
    ).json()["events"]
    assert [e["resource_sid"] for e in only_rotations] == [sid]
    # another account sees none of them
    other = make_account(client, "Other")
    foreign = client.get(
        "/v1/Events", params={"ResourceSid": sid}, auth=(other.sid, other.auth_token)
    )
    assert foreign.json()["events"] == []
