"""Two instances on one database: a Connect revocation, an app's lost permission or its deletion
on one instance is honoured by the other at once (PostgreSQL: NOTIFY, the poll being 30 s)."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.web.connect import apps_path, as_app, basic, connected, revoke
from tests.web.test_multi_instance import _eventually, other

__all__ = ["other"]  # the fixture, shared with test_multi_instance


def test_revocation_on_one_instance_refuses_the_app_on_the_other(
    client: TestClient, other: TestClient
) -> None:
    developer, customer, app, authorization = connected(client)
    url = f"/2010-04-01/Accounts/{customer.sid}/Messages.json"
    creds = as_app(authorization, developer)
    assert other.get(url, auth=creds).status_code == 200  # now cached on the other instance
    assert revoke(client, customer, app["sid"]).status_code == 204
    assert _eventually(lambda: other.get(url, auth=creds).status_code == 401)


def test_a_removed_permission_and_a_deleted_app_reach_the_other_instance(
    client: TestClient, other: TestClient
) -> None:
    developer, customer, app, authorization = connected(client)
    url = f"/2010-04-01/Accounts/{customer.sid}/Messages.json"
    creds = as_app(authorization, developer)
    assert other.get(url, auth=creds).status_code == 200
    app_url = f"{apps_path(developer)}/{app['sid']}.json"
    client.post(app_url, data={"Permissions": "post-all"}, auth=basic(developer))
    assert _eventually(lambda: other.get(url, auth=creds).status_code == 401)
    assert other.get(url, auth=creds).json()["code"] == 70051
    client.delete(app_url, auth=basic(developer))
    assert _eventually(lambda: other.get(url, auth=creds).json()["code"] == 20003)
