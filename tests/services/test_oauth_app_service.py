"""The OAuth app service: concurrent secret changes, audit events written with each change, the
change feed, and https-only URLs in production."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from charter.domain.errors import Conflict, InvalidParameter
from charter.domain.events import Actor
from charter.domain.paging import page_request
from charter.domain.ports import EventFilter
from charter.security import digest
from charter.services.oauth_apps import OAuthAppService, Rotation
from charter.storage.tables import ChangeRow, EventRow
from tests.factories import make_account, runtime
from tests.web.oauth_apps import PATH, auth, create, credentials


def test_concurrent_rotations_leave_at_most_two_valid_secrets(client: TestClient) -> None:
    account = make_account(client)
    app = create(client, account)
    rt = runtime(client)
    actor = Actor("account", account.sid)

    async def race() -> list[Rotation | BaseException]:
        return await asyncio.gather(
            *(rt.oauth_apps.rotate_secret(account, app["sid"], 3600, actor) for _ in range(10)),
            return_exceptions=True,
        )

    results = client.portal.call(race)  # type: ignore[union-attr]
    won = [r for r in results if isinstance(r, Rotation)]
    lost = [r for r in results if not isinstance(r, Rotation)]
    assert won
    assert all(isinstance(r, Conflict) for r in lost), lost
    found = credentials(client, app["sid"])
    assert found is not None
    stored_app, secrets = found
    now = rt.clock.now()
    valid = [s for s in secrets if s.valid_at(now)]
    assert len(secrets) <= 2
    assert len(valid) <= 2
    assert stored_app.secret_version == 1 + len(won)
    current = [s for s in secrets if s.expires_at is None]
    assert len(current) == 1
    # the current secret is one a winner was given; every other winner's secret is gone or previous
    assert current[0].digest in {digest(r.secret) for r in won}


def test_concurrent_revocations_and_rotations_keep_one_current_secret(client: TestClient) -> None:
    account = make_account(client)
    app = create(client, account)
    rt = runtime(client)
    actor = Actor("account", account.sid)

    async def race() -> list[object]:
        changes = [
            rt.oauth_apps.rotate_secret(account, app["sid"], 60, actor)
            if i % 2
            else rt.oauth_apps.revoke_previous_secret(account, app["sid"], actor)
            for i in range(8)
        ]
        return await asyncio.gather(*changes, return_exceptions=True)

    results = client.portal.call(race)  # type: ignore[union-attr]
    assert all(not isinstance(r, BaseException) or isinstance(r, Conflict) for r in results)
    found = credentials(client, app["sid"])
    assert found is not None
    assert len(found[1]) <= 2
    assert len([s for s in found[1] if s.expires_at is None]) == 1


def _events(client: TestClient, account_sid: str) -> list[tuple[str, str, str, str]]:
    rt = runtime(client)

    async def read() -> list[tuple[str, str, str, str]]:
        async with rt.uow() as uow:
            page = await uow.events.list_page(
                EventFilter(account_sid), page_request(100, None, None)
            )
        return [
            (e.event_type, e.resource_sid, e.actor.type, e.actor.sid)
            for e in reversed(page.items)
            if e.resource_type == "oauth-apps"
        ]

    return client.portal.call(read)  # type: ignore[union-attr]


def test_every_change_writes_one_event_and_one_feed_row_without_secrets(
    client: TestClient,
) -> None:
    account = make_account(client)
    app = create(client, account, description="d")
    sid = app["sid"]
    assert client.put(f"{PATH}/{sid}", json={"description": "d"}, auth=auth(account)).json()
    assert client.put(f"{PATH}/{sid}", json={"friendly_name": "B"}, auth=auth(account))
    rotated = client.post(f"{PATH}/{sid}/secret", auth=auth(account)).json()
    assert client.delete(f"{PATH}/{sid}/secret/previous", auth=auth(account)).status_code == 204
    assert client.delete(f"{PATH}/{sid}/secret/previous", auth=auth(account)).status_code == 204
    assert client.delete(f"{PATH}/{sid}", auth=auth(account)).status_code == 204
    types = ["oauth-apps.created", "oauth-apps.updated", "oauth-apps.secret-rotated",
             "oauth-apps.secret-revoked", "oauth-apps.deleted"]  # fmt: skip
    # the unchanged PUT and the second (empty) revocation record nothing
    assert _events(client, account.sid) == [(t, sid, "account", account.sid) for t in types]
    rt = runtime(client)

    async def rows() -> tuple[list[str], list[tuple[str, str]]]:
        async with rt.uow.engine.connect() as conn:
            data = list(
                await conn.scalars(
                    select(EventRow.event_data)
                    .where(EventRow.resource_sid == sid)
                    .order_by(EventRow.seq)
                )
            )
            feed = [
                (r[0], r[1]) for r in await conn.execute(select(ChangeRow.entity, ChangeRow.key))
            ]
        return data, feed

    data, feed = client.portal.call(rows)  # type: ignore[union-attr]
    everything = " ".join(data)
    for secret in (app["secret"], rotated["secret"]):
        assert secret not in everything
        assert digest(secret).hex() not in everything
    assert feed.count(("oauth_app", sid)) == 6
    updated = json.loads(data[1])
    assert updated == {"friendly_name": {"previous": "Acme", "updated": "B"}}
    assert json.loads(data[2])["previous_secret_expires_at"] == "2026-11-26T12:00:00+00:00"


def test_a_failed_change_writes_no_event(client: TestClient) -> None:
    account = make_account(client)
    app = create(client, account)
    r = client.put(f"{PATH}/{app['sid']}", json={"access_token_ttl": 1}, auth=auth(account))
    assert r.status_code == 400
    assert [e[0] for e in _events(client, account.sid)] == ["oauth-apps.created"]


def test_production_accepts_only_https_urls(client: TestClient) -> None:
    account = make_account(client)
    rt = runtime(client)
    service = OAuthAppService(rt.uow, rt.clock, production=True)
    actor = Actor("account", account.sid)
    body = {"friendly_name": "p", "policy": {"allow": ["/twilio/voice/calls/read"]}}
    for field in ("logo_url", "homepage_url", "terms_url"):
        with pytest.raises(InvalidParameter, match=f"{field} must be an absolute https URL"):
            client.portal.call(service.create, account, {**body, field: "http://a.example"}, actor)  # type: ignore[union-attr]
    made, _ = client.portal.call(  # type: ignore[union-attr]
        service.create, account, {**body, "logo_url": "https://a.example/l.png"}, actor
    )
    assert made.logo_url == "https://a.example/l.png"
