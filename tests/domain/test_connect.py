"""Connect rules: app fields, callback URLs, approvals, redirects, and what an app may reach."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from charter.domain import accounts as account_rules, connect as rules
from charter.domain.connect import Authorization, AuthorizationStatus, ConnectApp
from charter.domain.errors import (
    AccountNotActive,
    AuthenticationRequired,
    ConstraintViolation,
    FullAccountRequired,
    InvalidParameter,
    PermissionMissing,
)
from charter.domain.events import Actor
from charter.domain.ids import AccountSid
from charter.domain.models import Account, AccountStatus, AccountType, Principal
from charter.domain.permissions import (
    ACCOUNTS,
    API_KEYS,
    AUTHORIZED_CONNECT_APPS,
    CATALOGUE,
    CONNECT_APPS,
    MESSAGES,
    authorize,
    connect_requirement,
    grantable_names,
    reveals_auth_tokens,
)
from charter.domain.urls import check_url

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TOKEN = "0123456789abcdef0123456789abcdef"
REQUIRED = {"friendly_name": "App", "logo_url": "https://a.example/l.png", "company_name": "Co"}


def _main(name: str = "Customer", kind: AccountType = AccountType.FULL) -> Account:
    return account_rules.new_main_account(name, kind, TOKEN, NOW)


def _app(permissions: tuple[str, ...] = ("get-all", "post-all"), **fields: object) -> ConnectApp:
    checked = rules.check_fields(
        {**REQUIRED, "authorize_redirect_url": "https://a.example/cb?x=1#top", **fields},
        production=True,
    )
    return dataclasses.replace(rules.new_app(_main("Dev"), checked, NOW), permissions=permissions)


def _authorization(app: ConnectApp, customer: Account, sub: Account) -> Authorization:
    return rules.approve(None, app, customer.sid, sub.sid, "US" + "0" * 32, NOW)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["post-all", "get-all"], ("get-all", "post-all")),
        (["get-all,post-all"], ("get-all", "post-all")),
        (["get-all, post-all", "get-all"], ("get-all", "post-all")),
        ([""], ()),
        ([], ()),
    ],
)
def test_permissions_come_as_repeated_keys_or_comma_lists(
    values: list[str], expected: tuple[str, ...]
) -> None:
    assert rules.parse_permissions(values) == expected


def test_unknown_permissions_are_refused() -> None:
    with pytest.raises(InvalidParameter, match="not read-all"):
        rules.parse_permissions(["get-all,read-all"])


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"friendly_name": "x" * 65}, ConstraintViolation, "at most 64"),
        ({"friendly_name": ""}, InvalidParameter, "FriendlyName is required"),
        ({"logo_url": None}, InvalidParameter, "LogoUrl is required"),
        ({"company_name": ""}, InvalidParameter, "CompanyName is required"),
        ({"company_name": "c" * 256}, InvalidParameter, "at most 255"),
        ({"description": "d" * 1025}, InvalidParameter, "at most 1024"),
        ({"deauthorize_callback_method": "PUT"}, InvalidParameter, "GET or POST"),
        ({"homepage_url": "ftp://a.example"}, InvalidParameter, "absolute https URL"),
        ({"sid": "CN" + "0" * 32}, InvalidParameter, "Sid cannot be set"),
    ],
)
def test_bad_fields_are_refused(fields: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        rules.check_fields(fields, production=True)


def test_optional_fields_clear_and_the_method_defaults_to_post() -> None:
    checked = rules.check_fields(
        {"description": "", "deauthorize_callback_method": "get", "homepage_url": ""},
        production=True,
    )
    assert checked == {
        "description": None,
        "deauthorize_callback_method": "GET",
        "homepage_url": None,
    }
    assert rules.check_fields({"deauthorize_callback_method": ""}, production=False) == {
        "deauthorize_callback_method": "POST"
    }


@pytest.mark.parametrize(
    ("url", "production", "ok"),
    [
        ("https://hooks.example.com/x?y=1", True, True),
        ("http://hooks.example.com/x", True, False),
        ("http://hooks.example.com/x", False, True),
        ("https://localhost/x", True, False),
        ("http://localhost:8000/x", False, True),
        ("http://127.0.0.1:8000/x", False, True),
        ("http://[::1]/x", False, True),
        ("https://127.0.0.1/x", True, False),
        ("https://10.0.0.5/x", True, False),
        ("http://10.0.0.5/x", False, False),
        ("https://192.168.1.1/x", True, False),
        ("https://169.254.169.254/latest", True, False),
        ("http://169.254.169.254/latest", False, False),
        ("https://[fe80::1]/x", True, False),
        ("https://[::ffff:127.0.0.1]/x", True, False),
        ("https://0.0.0.0/x", True, False),
        ("https://printer.local/x", True, False),
        ("https://db.internal/x", True, False),
        ("https://user:pw@hooks.example.com/x", True, False),
        ("https://hooks.example.com:99999/x", True, False),
        ("https:///nohost", True, False),
        ("javascript:alert(1)", False, False),
        ("https://hooks.example.com/a b", True, False),
    ],
)
def test_callback_urls(url: str, production: bool, ok: bool) -> None:
    if ok:
        assert check_url("DeauthorizeCallbackUrl", url, production=production) == url
    else:
        with pytest.raises(InvalidParameter, match="DeauthorizeCallbackUrl"):
            check_url("DeauthorizeCallbackUrl", url, production=production)


def test_only_full_accounts_have_connect_apps() -> None:
    trial = _main("Trial", AccountType.TRIAL)
    with pytest.raises(FullAccountRequired) as refused:
        rules.new_app(trial, rules.check_fields(REQUIRED, production=True), NOW)
    assert (refused.value.status, refused.value.code) == (403, 20403)
    with pytest.raises(InvalidParameter, match="LogoUrl is required"):
        rules.new_app(_main(), {"friendly_name": "A", "company_name": "C"}, NOW)


def test_a_new_app_takes_defaults() -> None:
    app = rules.new_app(_main(), rules.check_fields(REQUIRED, production=True), NOW)
    assert app.sid.startswith("CN")
    assert (app.permissions, app.deauthorize_callback_method) == ((), "POST")
    assert rules.update_app(app, {"friendly_name": "App"}, NOW) is app
    renamed = rules.update_app(app, {"friendly_name": "New"}, NOW)
    assert renamed.friendly_name == "New"


def test_approval_snapshots_permissions_and_reapproval_reactivates() -> None:
    customer = _main()
    sub = account_rules.new_subaccount(customer, "Sub", TOKEN, NOW)
    app = _app(("get-all",))
    first = _authorization(app, customer, sub)
    assert first.sid.startswith("AZ")
    assert (first.permissions, first.status) == (("get-all",), AuthorizationStatus.ACTIVE)
    revoked = rules.revoke(first, NOW)
    assert not revoked.is_active
    assert revoked.revoked_at == NOW
    assert rules.usable_permissions(revoked, app) == frozenset()
    wider = dataclasses.replace(app, permissions=("get-all", "post-all"))
    assert rules.usable_permissions(first, wider) == {"get-all"}  # added: not approved yet
    again = rules.approve(revoked, wider, customer.sid, sub.sid, "US" + "1" * 32, NOW)
    assert (again.sid, again.status, again.revoked_at) == (first.sid, "active", None)
    assert again.permissions == ("get-all", "post-all")
    narrower = dataclasses.replace(app, permissions=())
    assert rules.usable_permissions(again, narrower) == frozenset()  # removed: stops at once


def test_customers_are_active_main_accounts() -> None:
    customer = _main()
    rules.check_customer(customer)
    with pytest.raises(InvalidParameter, match="main accounts"):
        rules.check_customer(account_rules.new_subaccount(customer, "S", TOKEN, NOW))
    with pytest.raises(AccountNotActive):
        rules.check_customer(dataclasses.replace(customer, status=AccountStatus.SUSPENDED))


def test_redirects_keep_the_query_and_encode_state() -> None:
    customer = _main()
    sub = account_rules.new_subaccount(customer, "Sub", TOKEN, NOW)
    app = _app()
    authorization = _authorization(app, customer, sub)
    assert rules.authorized_redirect(app, authorization, "a b&c=d") == (
        f"https://a.example/cb?x=1&AccountSid={sub.sid}&state=a+b%26c%3Dd#top"
    )
    assert rules.authorized_redirect(app, authorization, None) == (
        f"https://a.example/cb?x=1&AccountSid={sub.sid}#top"
    )
    plain = dataclasses.replace(app, authorize_redirect_url="https://a.example/cb")
    assert rules.denied_redirect(plain, "s") == (
        "https://a.example/cb?error=unauthorized_client&state=s"
    )
    with pytest.raises(InvalidParameter, match="no Authorize URL"):
        rules.check_authorizable(dataclasses.replace(app, authorize_redirect_url=None))


def test_the_dedicated_subaccount_name_fits() -> None:
    assert rules.subaccount_name(_app()) == "App (Connect)"
    long = dataclasses.replace(_app(), friendly_name="x" * 64)
    assert len(rules.subaccount_name(long)) == 64


def test_deauthorize_params_name_the_subaccount_and_the_app() -> None:
    customer = _main()
    sub = account_rules.new_subaccount(customer, "Sub", TOKEN, NOW)
    app = _app()
    assert rules.deauthorize_params(_authorization(app, customer, sub)) == {
        "AccountSid": sub.sid,
        "ConnectAppSid": app.sid,
    }


# ---- acting as the app ------------------------------------------------------------------


def _connect(sub: Account, *permissions: str) -> Principal:
    return Principal(
        "connect", sub.sid, sub.owner_account_sid, "AZ" + "0" * 32, frozenset(permissions)
    )


def test_get_all_reads_and_post_all_writes_nothing_else() -> None:
    sub = account_rules.new_subaccount(_main(), "Sub", TOKEN, NOW)
    reader, writer = _connect(sub, "get-all"), _connect(sub, "post-all")
    authorize(reader, MESSAGES["list"])
    authorize(reader, ACCOUNTS["read"])
    authorize(writer, MESSAGES["create"])
    with pytest.raises(PermissionMissing, match="not authorized for post-all"):
        authorize(reader, MESSAGES["create"])
    with pytest.raises(PermissionMissing, match="not authorized for get-all"):
        authorize(writer, MESSAGES["read"])
    both = _connect(sub, "get-all", "post-all")
    for management in (API_KEYS["list"], ACCOUNTS["create"], CONNECT_APPS["read"],
                       AUTHORIZED_CONNECT_APPS["delete"]):  # fmt: skip
        with pytest.raises(AuthenticationRequired):
            authorize(both, management)


def test_every_catalogue_permission_maps_to_one_connect_permission_or_none() -> None:
    for permission in CATALOGUE:
        needed = connect_requirement(permission)
        if not permission.grantable or (
            permission.product == "iam" and permission.resource != "accounts"
        ):
            assert needed is None, permission.name
        else:
            reads = permission.action in ("read", "list")
            assert needed == ("get-all" if reads else "post-all"), permission.name
    assert not any("connect" in name for name in grantable_names())


def test_connect_apps_read_every_customer_account_and_write_only_their_own() -> None:
    customer, stranger = _main(), _main("Stranger")
    dedicated = account_rules.new_subaccount(customer, "App (Connect)", TOKEN, NOW)
    other = account_rules.new_subaccount(customer, "Other", TOKEN, NOW)
    theirs = account_rules.new_subaccount(stranger, "Theirs", TOKEN, NOW)
    app = _connect(dedicated, "get-all", "post-all")
    reach = account_rules.can_reach
    assert [reach(app, a, write=False) for a in (customer, dedicated, other)] == [True] * 3
    assert [reach(app, a, write=True) for a in (customer, dedicated, other)] == [
        False, True, False,
    ]  # fmt: skip
    assert not reach(app, stranger, write=False)
    assert not reach(app, theirs, write=False)
    assert not reach(app, other)  # the default is the narrower answer
    assert account_rules.listed_accounts(app) == (customer.sid, True)
    assert not reveals_auth_tokens(app)


def test_other_principals_ignore_read_or_write() -> None:
    customer = _main()
    sub = account_rules.new_subaccount(customer, "Sub", TOKEN, NOW)
    for kind in ("auth_token", "main_key", "standard_key", "restricted_key", "oauth_app"):
        principal = Principal(kind, customer.sid, customer.sid, "x")
        for target in (customer, sub):
            answers = {account_rules.can_reach(principal, target, write=w) for w in (True, False)}
            assert len(answers) == 1
        # only the account's own full credentials see auth tokens (delegation never escalates)
        assert reveals_auth_tokens(principal) == (kind in ("auth_token", "main_key"))
        assert account_rules.listed_accounts(principal) == (customer.sid, True)
    sub_principal = Principal("auth_token", sub.sid, AccountSid(customer.sid), "x")
    assert account_rules.listed_accounts(sub_principal) == (sub.sid, False)


def test_the_actor_of_a_connect_app_is_its_authorization() -> None:
    sub = account_rules.new_subaccount(_main(), "Sub", TOKEN, NOW)
    actor = Actor.of(_connect(sub, "get-all"))
    assert (actor.type, actor.sid) == ("authorized-connect-app", "AZ" + "0" * 32)
