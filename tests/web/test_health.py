"""`/healthz`: ready only while this instance can follow the change feed (decision 0003)."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import make_account, runtime


def test_healthz_is_503_while_the_change_feed_is_not_followed(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    follower = runtime(client).follower
    assert client.portal is not None
    client.portal.call(follower.stop)  # no background poll may refresh it during the test
    follower._last_read = 0.0  # as if the feed had not been readable for a while
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json() == {"status": "starting"}
    # credentials are then checked against the database, not memory: they still work
    account = make_account(client)
    ok = client.get(
        f"/2010-04-01/Accounts/{account.sid}.json", auth=(account.sid, account.auth_token)
    )
    assert ok.status_code == 200
    client.portal.call(follower.poll_once)
    assert client.get("/healthz").status_code == 200
