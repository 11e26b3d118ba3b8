"""The real `twilio` library against a real `charter serve`: accounts and auth-token rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from tests.e2e.conftest import AccountPool, CharterServer, MainAccount
from tests.twilio_local import http_client_of

pytestmark = pytest.mark.slow

ACCOUNTS_PATH = "/2010-04-01/Accounts.json"


@pytest.fixture(scope="module")
def tenant(account_pool: AccountPool) -> MainAccount:
    """A main account shared by the tests below that only add subaccounts to it.

    Tests that need an exact account list, rename the main account or rotate its tokens take a
    `main_account` of their own instead.
    """
    return account_pool.take()


def client_of(server: CharterServer, account: MainAccount) -> Client:
    return server.twilio(account.sid, account.auth_token)


def rest_error(excinfo: pytest.ExceptionInfo[TwilioRestException]) -> tuple[int, int | None]:
    return excinfo.value.status, excinfo.value.code


# --- fetch -----------------------------------------------------------------------------------


def test_fetch_own_account(server: CharterServer, tenant: MainAccount) -> None:
    client = client_of(server, tenant)
    account = client.api.v2010.accounts(tenant.sid).fetch()
    assert account.sid == tenant.sid
    assert account.friendly_name == tenant.friendly_name
    assert account.status == "active"
    assert account.type == "Full"
    assert account.owner_account_sid == tenant.sid
    assert account.auth_token == tenant.auth_token
    assert isinstance(account.date_created, datetime)
    assert account.date_created.tzinfo is not None
    assert abs(datetime.now(UTC) - account.date_created) < timedelta(minutes=5)
    assert isinstance(account.date_updated, datetime)
    assert account.uri == f"/2010-04-01/Accounts/{tenant.sid}.json"
    assert account.subresource_uris["messages"] == (
        f"/2010-04-01/Accounts/{tenant.sid}/Messages.json"
    )
    sent = http_client_of(client).sent
    assert [(r.method, r.path) for r in sent] == [
        ("GET", f"/2010-04-01/Accounts/{tenant.sid}.json")
    ]


def test_client_api_account_shortcut_fetches_the_client_account(
    server: CharterServer, tenant: MainAccount
) -> None:
    client = client_of(server, tenant)
    assert client.api.account.fetch().sid == tenant.sid


def test_wrong_auth_token_is_401_20003(server: CharterServer, tenant: MainAccount) -> None:
    wrong = "0" * 32 if tenant.auth_token != "0" * 32 else "1" * 32
    client = server.twilio(tenant.sid, wrong)
    with pytest.raises(TwilioRestException) as excinfo:
        client.api.v2010.accounts(tenant.sid).fetch()
    assert rest_error(excinfo) == (401, 20003)
    # List pages fail with a plain TwilioException (the library does not parse page errors).
    with pytest.raises(TwilioException) as page_error:
        client.api.v2010.accounts.list()
    assert not isinstance(page_error.value, TwilioRestException)


def test_unknown_account_sid_as_username_is_401(server: CharterServer) -> None:
    stranger = "AC" + "f" * 32
    with pytest.raises(TwilioRestException) as excinfo:
        server.twilio(stranger, "0" * 32).api.v2010.accounts(stranger).fetch()
    assert rest_error(excinfo) == (401, 20003)


def test_other_tenants_account_is_404(
    server: CharterServer, tenant: MainAccount, main_account: MainAccount
) -> None:
    other = main_account
    client = client_of(server, tenant)
    with pytest.raises(TwilioRestException) as excinfo:
        client.api.v2010.accounts(other.sid).fetch()
    assert rest_error(excinfo) == (404, 20404)
    with pytest.raises(TwilioRestException) as update_error:
        client.api.v2010.accounts(other.sid).update(friendly_name="Hijacked")
    assert rest_error(update_error) == (404, 20404)
    assert client_of(server, other).api.v2010.accounts(other.sid).fetch().friendly_name == (
        other.friendly_name
    )
    # Nor does it appear in this tenant's own list.
    assert other.sid not in {a.sid for a in client.api.v2010.accounts.list()}


# --- subaccounts -----------------------------------------------------------------------------


def test_create_subaccount_and_use_its_credentials(
    server: CharterServer, tenant: MainAccount
) -> None:
    client = client_of(server, tenant)
    sub = client.api.v2010.accounts.create(friendly_name="Team Ünïcødé 😀")
    assert sub.sid is not None
    assert sub.sid.startswith("AC")
    assert sub.sid != tenant.sid
    assert sub.owner_account_sid == tenant.sid
    assert sub.friendly_name == "Team Ünïcødé 😀"
    assert (sub.status, sub.type) == ("active", "Full")
    assert sub.auth_token is not None
    assert len(sub.auth_token) == 32
    assert isinstance(sub.date_created, datetime)

    # The parent reaches the subaccount; the subaccount's own credentials work.
    assert client.api.v2010.accounts(sub.sid).fetch().auth_token == sub.auth_token
    sub_client = server.twilio(sub.sid, sub.auth_token)
    assert sub_client.api.v2010.accounts(sub.sid).fetch().owner_account_sid == tenant.sid
    # ... but never the parent: it does not exist as far as the subaccount knows.
    with pytest.raises(TwilioRestException) as excinfo:
        sub_client.api.v2010.accounts(tenant.sid).fetch()
    assert rest_error(excinfo) == (404, 20404)
    assert [a.sid for a in sub_client.api.v2010.accounts.list()] == [sub.sid]


def test_subaccount_without_friendly_name_gets_a_default(
    server: CharterServer, tenant: MainAccount
) -> None:
    sub = client_of(server, tenant).api.v2010.accounts.create()
    assert sub.friendly_name is not None
    assert sub.friendly_name.startswith("SubAccount Created at ")


def test_subaccount_cannot_create_a_subaccount(server: CharterServer, tenant: MainAccount) -> None:
    client = client_of(server, tenant)
    sub = client.api.v2010.accounts.create(friendly_name="Child")
    assert sub.sid is not None
    assert sub.auth_token is not None
    with pytest.raises(TwilioRestException) as excinfo:
        server.twilio(sub.sid, sub.auth_token).api.v2010.accounts.create(friendly_name="Grandchild")
    assert rest_error(excinfo) == (400, 21101)
    assert "Subaccounts cannot contain subaccounts" in excinfo.value.msg
    assert client.api.v2010.accounts.list(friendly_name="Grandchild") == []
    assert [a.sid for a in server.twilio(sub.sid, sub.auth_token).api.v2010.accounts.list()] == [
        sub.sid
    ]


# --- list, paging and filters ----------------------------------------------------------------


def test_list_follows_next_page_uri_across_pages(
    server: CharterServer, main_account: MainAccount, account_pool: AccountPool
) -> None:
    client = client_of(server, main_account)
    subs = [client.api.v2010.accounts.create(friendly_name=f"Sub {i}") for i in range(5)]
    account_pool.take()  # another tenant's account never shows up
    http = http_client_of(client)
    http.sent.clear()

    listed = client.api.v2010.accounts.list(page_size=2)

    assert [a.sid for a in listed] == [main_account.sid, *(s.sid for s in subs)]
    assert [a.friendly_name for a in listed] == [
        main_account.friendly_name,
        *(f"Sub {i}" for i in range(5)),
    ]
    # Three pages of 2: the library asked for the first, then followed next_page_uri twice.
    assert [(r.method, r.path) for r in http.sent] == [("GET", ACCOUNTS_PATH)] * 3
    queries = [parse_qs(r.query) for r in http.sent]
    assert queries[0] == {"PageSize": ["2"]}
    assert queries[1] == {"PageSize": ["2"], "Page": ["1"], "PageToken": [f"PA{subs[0].sid}"]}
    assert queries[2] == {"PageSize": ["2"], "Page": ["2"], "PageToken": [f"PA{subs[2].sid}"]}

    http.sent.clear()
    first_three = client.api.v2010.accounts.list(page_size=2, limit=3)
    assert [a.sid for a in first_three] == [main_account.sid, subs[0].sid, subs[1].sid]
    assert len(http.sent) == 2

    # Page objects walk forwards and back through next_page_uri and previous_page_uri.
    first = client.api.v2010.accounts.page(page_size=4)
    second = first.next_page()
    assert second is not None
    assert [a.sid for a in second] == [subs[3].sid, subs[4].sid]
    assert second.next_page() is None
    back = second.previous_page()
    assert back is not None
    assert [a.sid for a in back] == [main_account.sid, *(s.sid for s in subs[:3])]


def test_list_filters_by_friendly_name_and_status(
    server: CharterServer, main_account: MainAccount
) -> None:
    client = client_of(server, main_account)
    alpha = client.api.v2010.accounts.create(friendly_name="Alpha")
    beta = client.api.v2010.accounts.create(friendly_name="Beta")
    beta2 = client.api.v2010.accounts.create(friendly_name="Beta")
    client.api.v2010.accounts(beta.sid).update(status="suspended")

    def sids(**filters: str) -> list[str | None]:
        return [a.sid for a in client.api.v2010.accounts.list(page_size=1, **filters)]

    assert sids(friendly_name="Alpha") == [alpha.sid]
    assert sids(friendly_name="Beta") == [beta.sid, beta2.sid]
    assert sids(friendly_name="Nobody") == []
    assert sids(status="suspended") == [beta.sid]
    assert sids(status="active") == [main_account.sid, alpha.sid, beta2.sid]
    assert sids(status="closed") == []
    assert sids(friendly_name="Beta", status="active") == [beta2.sid]
    # With one row per page, the filter survives into the next_page_uri the library followed.
    http = http_client_of(client)
    http.sent.clear()
    assert sids(friendly_name="Beta") == [beta.sid, beta2.sid]
    followed = [parse_qs(r.query) for r in http.sent[1:]]
    assert followed
    assert all(q["FriendlyName"] == ["Beta"] and "PageToken" in q for q in followed)


# --- update ----------------------------------------------------------------------------------


def test_update_friendly_name(server: CharterServer, main_account: MainAccount) -> None:
    client = client_of(server, main_account)
    before = client.api.v2010.accounts(main_account.sid).fetch()
    updated = client.api.v2010.accounts(main_account.sid).update(friendly_name="Renamed Inc.")
    assert updated.friendly_name == "Renamed Inc."
    assert updated.sid == main_account.sid
    assert client.api.v2010.accounts(main_account.sid).fetch().friendly_name == "Renamed Inc."
    assert updated.date_updated is not None
    assert before.date_updated is not None
    assert updated.date_updated >= before.date_updated
    # Unchanged fields stay unchanged.
    assert (updated.status, updated.auth_token) == ("active", main_account.auth_token)


def test_friendly_name_over_64_characters_is_refused(
    server: CharterServer, tenant: MainAccount
) -> None:
    client = client_of(server, tenant)
    for sid in (tenant.sid, client.api.v2010.accounts.create(friendly_name="Short").sid):
        with pytest.raises(TwilioRestException) as excinfo:
            client.api.v2010.accounts(sid).update(friendly_name="x" * 65)
        assert rest_error(excinfo) == (400, 70001)
    with pytest.raises(TwilioRestException) as on_create:
        client.api.v2010.accounts.create(friendly_name="z" * 65)
    assert rest_error(on_create) == (400, 70001)
    assert client.api.v2010.accounts(tenant.sid).fetch().friendly_name == tenant.friendly_name
    assert [a.friendly_name for a in client.api.v2010.accounts.list(friendly_name="Short")] == [
        "Short"
    ]
    assert client.api.v2010.accounts.list(friendly_name="z" * 65) == []
    sub = client.api.v2010.accounts.list(friendly_name="Short")[0]
    assert client.api.v2010.accounts(sub.sid).update(friendly_name="y" * 64).friendly_name == (
        "y" * 64
    )


def test_suspend_and_reactivate_a_subaccount(server: CharterServer, tenant: MainAccount) -> None:
    client = client_of(server, tenant)
    sub = client.api.v2010.accounts.create(friendly_name="Sleeper")
    assert sub.sid is not None
    assert sub.auth_token is not None
    sub_client = server.twilio(sub.sid, sub.auth_token)
    assert sub_client.api.v2010.accounts(sub.sid).fetch().status == "active"

    suspended = client.api.v2010.accounts(sub.sid).update(status="suspended")
    assert suspended.status == "suspended"
    with pytest.raises(TwilioRestException) as excinfo:
        sub_client.api.v2010.accounts(sub.sid).fetch()
    assert rest_error(excinfo) == (401, 20005)
    # The parent still sees it, suspended.
    assert client.api.v2010.accounts(sub.sid).fetch().status == "suspended"

    assert client.api.v2010.accounts(sub.sid).update(status="active").status == "active"
    assert sub_client.api.v2010.accounts(sub.sid).fetch().status == "active"


def test_subaccount_cannot_change_its_own_status(
    server: CharterServer, tenant: MainAccount
) -> None:
    sub = client_of(server, tenant).api.v2010.accounts.create(friendly_name="Rebel")
    assert sub.sid is not None
    assert sub.auth_token is not None
    sub_client = server.twilio(sub.sid, sub.auth_token)
    with pytest.raises(TwilioRestException) as excinfo:
        sub_client.api.v2010.accounts(sub.sid).update(status="closed")
    assert rest_error(excinfo) == (400, 20001)
    assert sub_client.api.v2010.accounts(sub.sid).fetch().status == "active"


def test_tenant_cannot_suspend_itself(server: CharterServer, tenant: MainAccount) -> None:
    client = client_of(server, tenant)
    with pytest.raises(TwilioRestException) as excinfo:
        client.api.v2010.accounts(tenant.sid).update(status="suspended")
    assert excinfo.value.status == 400
    assert client.api.v2010.accounts(tenant.sid).fetch().status == "active"


def test_closed_is_final(server: CharterServer, tenant: MainAccount) -> None:
    client = client_of(server, tenant)
    sub = client.api.v2010.accounts.create(friendly_name="Doomed")
    assert sub.sid is not None
    assert sub.auth_token is not None
    closed = client.api.v2010.accounts(sub.sid).update(status="closed")
    assert closed.status == "closed"

    for change in ({"status": "active"}, {"status": "suspended"}, {"friendly_name": "Revived"}):
        with pytest.raises(TwilioRestException) as excinfo:
            client.api.v2010.accounts(sub.sid).update(**change)
        assert excinfo.value.status == 400
        assert "closed" in excinfo.value.msg

    after = client.api.v2010.accounts(sub.sid).fetch()
    assert (after.status, after.friendly_name) == ("closed", "Doomed")
    with pytest.raises(TwilioRestException) as auth_error:
        server.twilio(sub.sid, sub.auth_token).api.v2010.accounts(sub.sid).fetch()
    assert rest_error(auth_error) == (401, 20005)
    closed_ones = client.api.v2010.accounts.list(status="closed", friendly_name="Doomed")
    assert sub.sid in [a.sid for a in closed_ones]


# --- auth-token rotation (accounts.twilio.com v1) --------------------------------------------


def test_secondary_auth_token_create_use_delete(
    server: CharterServer, main_account: MainAccount
) -> None:
    client = client_of(server, main_account)
    secondary = client.accounts.v1.secondary_auth_token().create()
    assert secondary.account_sid == main_account.sid
    token = secondary.secondary_auth_token
    assert token is not None
    assert len(token) == 32
    assert token != main_account.auth_token
    assert isinstance(secondary.date_created, datetime)
    assert http_client_of(client).sent[-1].path == "/v1/AuthTokens/Secondary"

    # Both tokens authenticate while the secondary one exists.
    with_secondary = server.twilio(main_account.sid, token)
    assert with_secondary.api.v2010.accounts(main_account.sid).fetch().sid == main_account.sid
    assert client.api.v2010.accounts(main_account.sid).fetch().sid == main_account.sid

    assert client.accounts.v1.secondary_auth_token().delete() is True
    with pytest.raises(TwilioRestException) as excinfo:
        with_secondary.api.v2010.accounts(main_account.sid).fetch()
    assert rest_error(excinfo) == (401, 20003)
    assert client.api.v2010.accounts(main_account.sid).fetch().sid == main_account.sid

    # There is nothing left to delete or promote.
    with pytest.raises(TwilioRestException) as gone:
        client.accounts.v1.secondary_auth_token().delete()
    assert rest_error(gone) == (404, 20404)
    with pytest.raises(TwilioRestException) as nothing:
        client.accounts.v1.auth_token_promotion().update()
    assert rest_error(nothing) == (404, 20404)


def test_secondary_auth_token_promotion(server: CharterServer, main_account: MainAccount) -> None:
    client = client_of(server, main_account)
    first = client.accounts.v1.secondary_auth_token().create().secondary_auth_token
    second = client.accounts.v1.secondary_auth_token().create().secondary_auth_token
    assert first is not None
    assert second is not None
    assert first != second
    with pytest.raises(TwilioRestException) as replaced:
        server.twilio(main_account.sid, first).api.v2010.accounts(main_account.sid).fetch()
    assert rest_error(replaced) == (401, 20003)

    promotion = client.accounts.v1.auth_token_promotion().update()
    assert promotion.account_sid == main_account.sid
    assert promotion.auth_token == second
    assert http_client_of(client).sent[-1].path == "/v1/AuthTokens/Promote"

    # The old primary stops working at once; the promoted token is now the account's token.
    with pytest.raises(TwilioRestException) as old:
        client.api.v2010.accounts(main_account.sid).fetch()
    assert rest_error(old) == (401, 20003)
    promoted = server.twilio(main_account.sid, second)
    account = promoted.api.v2010.accounts(main_account.sid).fetch()
    assert account.auth_token == second
    # The secondary slot is empty again.
    with pytest.raises(TwilioRestException) as empty:
        promoted.accounts.v1.secondary_auth_token().delete()
    assert rest_error(empty) == (404, 20404)


def test_subaccount_rotates_its_own_token_only(server: CharterServer, tenant: MainAccount) -> None:
    client = client_of(server, tenant)
    sub = client.api.v2010.accounts.create(friendly_name="Rotator")
    assert sub.sid is not None
    assert sub.auth_token is not None
    sub_client = server.twilio(sub.sid, sub.auth_token)
    sub_client.accounts.v1.secondary_auth_token().create()
    promoted = sub_client.accounts.v1.auth_token_promotion().update()
    assert promoted.account_sid == sub.sid
    assert promoted.auth_token is not None
    assert promoted.auth_token != sub.auth_token
    # The parent's credentials are untouched and see the subaccount's new token.
    assert client.api.v2010.accounts(sub.sid).fetch().auth_token == promoted.auth_token
    assert client.api.v2010.accounts(tenant.sid).fetch().sid == tenant.sid
