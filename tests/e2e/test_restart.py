"""State lives in the database, not the process: a restarted server, and an operator's CLI writing
beside a running one."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.e2e.conftest import CharterServer, MainAccount

pytestmark = pytest.mark.slow


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def fetch_status(client: Client, sid: str) -> int:
    """HTTP status of fetching account `sid` with `client` (200 or the error's)."""
    try:
        client.api.v2010.accounts(sid).fetch()
    except TwilioRestException as exc:
        return int(exc.status)
    return 200


def test_state_survives_a_restart(server: CharterServer, main_account: MainAccount) -> None:
    client = server.twilio(main_account.sid, main_account.auth_token)
    survivor = client.api.v2010.accounts.create(friendly_name="Survivor")
    sleeper = client.api.v2010.accounts.create(friendly_name="Sleeper")
    assert survivor.sid is not None
    assert survivor.auth_token is not None
    assert sleeper.sid is not None
    assert sleeper.auth_token is not None
    client.api.v2010.accounts(survivor.sid).update(friendly_name="Survivor (renamed)")
    client.api.v2010.accounts(sleeper.sid).update(status="suspended")
    secondary = client.accounts.v1.secondary_auth_token().create().secondary_auth_token
    assert secondary is not None
    before = [
        (a.sid, a.friendly_name, a.status, a.auth_token, a.date_created, a.date_updated)
        for a in client.api.v2010.accounts.list()
    ]
    old_pid = server.pid

    server.restart()

    assert server.pid != old_pid
    # Fresh clients: nothing carried over from the old process but the database.
    client = server.twilio(main_account.sid, main_account.auth_token)
    after = [
        (a.sid, a.friendly_name, a.status, a.auth_token, a.date_created, a.date_updated)
        for a in client.api.v2010.accounts.list(page_size=1)
    ]
    assert after == before
    sub_client = server.twilio(survivor.sid, survivor.auth_token)
    fetched = sub_client.api.v2010.accounts(survivor.sid).fetch()
    assert (fetched.friendly_name, fetched.status) == ("Survivor (renamed)", "active")
    assert fetched.owner_account_sid == main_account.sid
    assert fetched.auth_token == survivor.auth_token
    # Secrets are kept encrypted at rest and still open under the same key.
    with_secondary = server.twilio(main_account.sid, secondary)
    assert with_secondary.api.v2010.accounts(main_account.sid).fetch().sid == main_account.sid
    # The suspension is remembered too.
    assert fetch_status(server.twilio(sleeper.sid, sleeper.auth_token), sleeper.sid) == 401
    # And the restarted server keeps working: new subaccounts, token promotion.
    assert client.api.v2010.accounts.create(friendly_name="After").owner_account_sid == (
        main_account.sid
    )
    assert client.accounts.v1.auth_token_promotion().update().auth_token == secondary
    assert fetch_status(client, main_account.sid) == 401


def test_operator_suspension_through_the_cli_reaches_the_running_server(
    server: CharterServer, main_account: MainAccount
) -> None:
    client = server.twilio(main_account.sid, main_account.auth_token)
    sub = client.api.v2010.accounts.create(friendly_name="Dependent")
    assert sub.sid is not None
    assert sub.auth_token is not None
    sub_client = server.twilio(sub.sid, sub.auth_token)
    # Both sets of credentials are now cached by the server.
    assert fetch_status(client, main_account.sid) == 200
    assert fetch_status(sub_client, sub.sid) == 200

    result = server.cli("accounts", "update", main_account.sid, "--status", "suspended", "--json")
    assert result.returncode == 0, result.stderr
    # Another process wrote the change; the server hears of it through the change feed.
    assert eventually(lambda: fetch_status(client, main_account.sid) == 401)
    with pytest.raises(TwilioRestException) as excinfo:
        sub_client.api.v2010.accounts(sub.sid).fetch()
    assert (excinfo.value.status, excinfo.value.code) == (401, 20005)

    result = server.cli("accounts", "update", main_account.sid, "--status", "active")
    assert result.returncode == 0, result.stderr
    assert eventually(lambda: fetch_status(client, main_account.sid) == 200)
    assert fetch_status(sub_client, sub.sid) == 200
