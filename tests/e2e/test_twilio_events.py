"""Audit events through the unmodified `twilio` library: `client.monitor.v1.events`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.e2e.conftest import CharterServer, MainAccount
from tests.twilio_local import http_client_of

pytestmark = pytest.mark.slow


def test_list_filter_page_and_fetch_events(
    server: CharterServer, main_account: MainAccount
) -> None:
    client = server.twilio(main_account.sid, main_account.auth_token)
    since = datetime.now(UTC) - timedelta(minutes=5)
    keys = [client.iam.v1.new_api_key.create(account_sid=main_account.sid) for _ in range(3)]
    client.iam.v1.api_key(keys[0].sid).update(friendly_name="renamed")

    created = client.monitor.v1.events.list(
        event_type="api-keys.created", start_date=since, page_size=2
    )
    assert [e.resource_sid for e in created] == [k.sid for k in reversed(keys)]
    sent = http_client_of(client).sent
    assert any("PageToken=PA" in r.query for r in sent)  # the library followed next_page_url
    assert any("StartDate=" in r.query for r in sent)

    events = client.monitor.v1.events
    [renamed] = events.list(resource_sid=keys[0].sid, event_type="api-keys.updated")
    assert renamed.event_data == {"friendly_name": {"previous": None, "updated": "renamed"}}
    fetched = client.monitor.v1.events(renamed.sid).fetch()
    assert fetched.sid == renamed.sid
    assert (fetched.actor_type, fetched.actor_sid) == ("account", main_account.sid)
    assert (fetched.source, fetched.source_ip_address) == ("api", "127.0.0.1")
    assert (fetched.resource_type, fetched.account_sid) == ("api-keys", main_account.sid)
    assert isinstance(fetched.event_date, datetime)
    assert since <= fetched.event_date <= datetime.now(UTC) + timedelta(seconds=5)
    assert fetched.url == f"{server.base}/v1/Events/{renamed.sid}"
    assert fetched.links["resource"] == f"{server.base}/v1/Keys/{keys[0].sid}"

    everything = client.monitor.v1.events.list()
    assert [e.event_type for e in everything][-1] == "accounts.created"  # by the operator
    assert len(everything) == 5
    assert not client.monitor.v1.events.list(end_date=since)


def test_other_accounts_events_are_not_found(
    server: CharterServer, main_account: MainAccount
) -> None:
    owner = server.twilio(main_account.sid, main_account.auth_token)
    [event] = owner.monitor.v1.events.list()
    stranger_account = server.create_main_account("Stranger")
    stranger = server.twilio(stranger_account.sid, stranger_account.auth_token)
    with pytest.raises(TwilioRestException) as missing:
        stranger.monitor.v1.events(event.sid).fetch()
    assert (missing.value.status, missing.value.code) == (404, 20404)
    assert event.sid not in {e.sid for e in stranger.monitor.v1.events.list()}
