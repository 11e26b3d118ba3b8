"""The developer's Connect app pages over plain HTTP: every option, validation errors on the
form, the Connect button's HTML, roles, other accounts' apps, and escaping."""

from __future__ import annotations

from html import escape

import pytest
from starlette.testclient import TestClient

from charter.domain.ids import UserSid, new_sid
from charter.domain.models import Membership, Role, User
from charter.security import hash_password
from tests.console.browser import (
    APP_FIELDS,
    PASSWORD,
    account_of,
    button_of,
    create_app,
    csrf_of,
    sign_in,
    sign_up,
    submit,
)
from tests.factories import runtime


@pytest.fixture
def developer(client: TestClient) -> tuple[str, str]:
    assert sign_up(client, "dev@example.com").status_code == 303
    return account_of(client)


def test_create_with_every_option_shows_the_app_and_its_button(client, developer) -> None:
    sid = create_app(client, Description="Texts & more")
    page = client.get(f"/console/apps/{sid}")
    assert page.status_code == 200
    button = (
        f'<a href="http://127.0.0.1:8000/authorize/{sid}?state=YOUR_STATE" '
        'style="display:inline-block;'
    )
    assert button_of(page.text).startswith(button)
    assert button_of(page.text).endswith(">Connect Blaster</a>")
    assert "Texts &amp; more" in page.text
    api = client.get(
        f"/2010-04-01/Accounts/{developer[0]}/ConnectApps/{sid}.json", auth=developer
    ).json()
    assert api["friendly_name"] == "Blaster"
    assert api["company_name"] == "Blaster Inc"
    assert api["description"] == "Texts & more"
    assert api["homepage_url"] == "https://blaster.example/"
    assert api["authorize_redirect_url"] == "https://blaster.example/connected?from=charter"
    assert api["deauthorize_callback_url"] == "https://blaster.example/deauthorized"
    assert api["deauthorize_callback_method"] == "POST"
    assert api["permissions"] == ["get-all", "post-all"]
    listing = client.get("/console/apps")
    assert f'href="/console/apps/{sid}"' in listing.text


def test_edit_changes_and_clears_fields(client: TestClient, developer) -> None:
    sid = create_app(client)
    fields = {**APP_FIELDS, "FriendlyName": "Renamed", "Description": "", "Permissions": "get-all"}
    fields["DeauthorizeCallbackMethod"] = "GET"
    r = submit(client, f"/console/apps/{sid}", f"/console/apps/{sid}", **fields)
    assert r.status_code == 303
    assert r.headers["location"] == f"/console/apps/{sid}"
    api = client.get(
        f"/2010-04-01/Accounts/{developer[0]}/ConnectApps/{sid}.json", auth=developer
    ).json()
    assert api["friendly_name"] == "Renamed"
    assert api["description"] is None
    assert api["permissions"] == ["get-all"]
    assert api["deauthorize_callback_method"] == "GET"
    # With no permission ticked, the app asks for none.
    fields.pop("Permissions")
    submit(client, f"/console/apps/{sid}", f"/console/apps/{sid}", **fields)
    api = client.get(
        f"/2010-04-01/Accounts/{developer[0]}/ConnectApps/{sid}.json", auth=developer
    ).json()
    assert api["permissions"] == []


def test_delete(client: TestClient, developer) -> None:
    sid = create_app(client)
    r = submit(client, f"/console/apps/{sid}", f"/console/apps/{sid}/delete")
    assert r.status_code == 303
    assert r.headers["location"] == "/console/apps"
    assert client.get(f"/console/apps/{sid}").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"CompanyName": ""}, "CompanyName is required"),
        ({"FriendlyName": "x" * 65}, "FriendlyName"),
        ({"LogoUrl": "ftp://blaster.example/logo.png"}, "LogoUrl"),
        ({"AuthorizeRedirectUrl": "not a url"}, "AuthorizeRedirectUrl"),
        ({"DeauthorizeCallbackMethod": "PUT"}, "DeauthorizeCallbackMethod must be GET or POST"),
        ({"Permissions": "delete-all"}, "Permissions must be among"),
        ({"Description": "d" * 1025}, "Description"),
    ],
)
def test_validation_errors_are_shown_on_the_form(
    client: TestClient, developer, overrides: dict[str, str], message: str
) -> None:
    fields = {**APP_FIELDS, **overrides}
    r = submit(client, "/console/apps/new", "/console/apps/new", **fields)
    assert 400 <= r.status_code < 500, r.text
    assert message in r.text
    assert 'name="FriendlyName"' in r.text  # the form again, with what was typed
    assert f'value="{escape(str(fields["CompanyName"]))}"'.replace("&quot;", "&#34;") in r.text
    sid = create_app(client)
    r = submit(client, f"/console/apps/{sid}", f"/console/apps/{sid}", **fields)
    assert 400 <= r.status_code < 500
    assert message in r.text


@pytest.mark.parametrize(
    "path", ["/console/apps/new", "/console/apps/{sid}", "/console/apps/{sid}/delete"]
)
def test_every_app_form_needs_the_csrf_token(client: TestClient, developer, path: str) -> None:
    sid = create_app(client)
    r = client.post(path.format(sid=sid), data=APP_FIELDS, follow_redirects=False)
    assert r.status_code == 403
    r = client.post(
        path.format(sid=sid), data={**APP_FIELDS, "csrf_token": "x" * 64}, follow_redirects=False
    )
    assert r.status_code == 403
    assert client.get(f"/console/apps/{sid}").status_code == 200  # not deleted
    assert "Blaster" in client.get("/console/apps").text


def test_another_accounts_app_is_not_found(client: TestClient, developer) -> None:
    sid = create_app(client)
    client.cookies.clear()
    sign_up(client, "other@example.com")
    assert client.get(f"/console/apps/{sid}").status_code == 404
    r = submit(client, "/console/apps", f"/console/apps/{sid}/delete")
    assert r.status_code == 404
    assert "<html" in r.text  # an HTML page, not a JSON body


def test_roles_that_do_not_manage_apps_are_refused(client: TestClient, developer) -> None:
    rt = runtime(client)

    async def billing_manager() -> None:
        async with rt.uow() as uow:
            user = User(
                UserSid(new_sid("US")),
                "billing@example.com",
                hash_password(PASSWORD),
                rt.clock.now(),
            )
            await uow.users.add(user)
            await uow.users.add_membership(Membership(user.sid, developer[0], Role.BILLING_MANAGER))
            await uow.commit()

    client.portal.call(billing_manager)  # type: ignore[union-attr]
    client.cookies.clear()
    assert sign_in(client, "billing@example.com").status_code == 303
    for path in ("/console/apps", "/console/apps/new", "/console/authorized-apps"):
        r = client.get(path)
        assert r.status_code == 403, path
        assert "Only owners, administrators and developers" in r.text
    home = client.get("/console/")
    assert home.status_code == 200
    assert developer[1] not in home.text  # no auth token for a billing manager
    r = client.post("/console/apps/new", data={**APP_FIELDS, "csrf_token": csrf_of(home.text)})
    assert r.status_code == 403


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_app_fields_are_escaped_everywhere(client: TestClient, developer) -> None:
    sid = create_app(
        client,
        FriendlyName='"><script>alert(1)</script>',
        CompanyName=XSS,
        Description=XSS,
    )
    for path in ("/console/apps", f"/console/apps/{sid}", f"/authorize/{sid}?state=%3Cscript%3E"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>" not in page.text, path
        assert "<img src=x" not in page.text, path
    # The button snippet escapes the name in the HTML it hands out, and again on the page.
    button = button_of(client.get(f"/console/apps/{sid}").text)
    assert button.endswith(">Connect &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</a>")


def test_pages_need_a_session(client: TestClient) -> None:
    for path in ("/console/", "/console/apps", "/console/apps/new", "/console/authorized-apps"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/console/sign-in?next=%2Fconsole%2F")
    r = client.post("/console/apps/new", data=APP_FIELDS, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/console/sign-in?next=%2Fconsole%2F"
