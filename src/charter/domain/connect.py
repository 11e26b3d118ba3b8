"""Twilio Connect: Connect apps (`CN…`), customers' authorizations of them, and what an
authorized app may do.

A developer's Connect app asks for `get-all` (read every account of the customer) and/or
`post-all` (write and spend on the dedicated subaccount created for the app). A customer's
approval is an `Authorization` holding a snapshot of the approved permissions: permissions the
developer adds later are unusable until the customer approves again; removed ones stop at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode, urlsplit, urlunsplit

from charter.domain.accounts import check_friendly_name
from charter.domain.errors import AccountNotActive, FullAccountRequired, InvalidParameter
from charter.domain.ids import AccountSid, new_sid
from charter.domain.models import Account, AccountStatus, AccountType
from charter.domain.oauth_apps import check_text
from charter.domain.urls import check_url

GET_ALL = "get-all"
POST_ALL = "post-all"
PERMISSIONS = (GET_ALL, POST_ALL)
CALLBACK_METHODS = ("GET", "POST")
DEFAULT_CALLBACK_METHOD = "POST"
COMPANY_LENGTH = 255
DESCRIPTION_LENGTH = 1024
# The app's settable fields, in the order forms, events and the API list them.
APP_FIELDS = (
    "friendly_name", "logo_url", "company_name", "description", "homepage_url",
    "terms_of_service_url", "authorize_redirect_url", "deauthorize_callback_url",
    "deauthorize_callback_method", "permissions",
)  # fmt: skip
URL_FIELDS = (
    "logo_url", "homepage_url", "terms_of_service_url", "authorize_redirect_url",
    "deauthorize_callback_url",
)  # fmt: skip
REQUIRED_FIELDS = ("friendly_name", "logo_url", "company_name")

PLAIN_WORDS = {
    GET_ALL: "Read all of your account data: accounts, numbers, messages, calls, recordings, "
    "usage and balance",
    POST_ALL: "Make changes and charge your account for usage (numbers, messages, calls) in "
    "a subaccount created for this app",
}


@dataclass(frozen=True, slots=True)
class ConnectApp:
    sid: str
    account_sid: AccountSid  # the developer's account
    friendly_name: str
    logo_url: str
    company_name: str
    description: str | None
    homepage_url: str | None
    terms_of_service_url: str | None
    authorize_redirect_url: str | None
    deauthorize_callback_url: str | None
    deauthorize_callback_method: str
    permissions: tuple[str, ...]
    date_created: datetime
    date_updated: datetime


class AuthorizationStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Authorization:
    """A customer's approval of a Connect app: which app, which customer (main account), the
    dedicated subaccount the app works in, and the permissions approved (a snapshot)."""

    sid: str  # `AZ…`: Charter's own; Twilio keys AuthorizedConnectApps by the Connect app SID
    connect_app_sid: str
    customer_account_sid: AccountSid
    subaccount_sid: AccountSid
    permissions: tuple[str, ...]
    status: AuthorizationStatus
    approved_by: str  # the user who approved
    date_created: datetime
    date_updated: datetime
    revoked_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status is AuthorizationStatus.ACTIVE


def usable_permissions(authorization: Authorization, app: ConnectApp) -> frozenset[str]:
    """What an authorized app may use now: approved then and still asked for now."""
    if not authorization.is_active:
        return frozenset()
    return frozenset(authorization.permissions) & frozenset(app.permissions)


def revoke(authorization: Authorization, now: datetime) -> Authorization:
    return dataclasses.replace(
        authorization, status=AuthorizationStatus.REVOKED, revoked_at=now, date_updated=now
    )


# ---- Connect apps ----------------------------------------------------------------------


def parse_permissions(values: Iterable[str]) -> tuple[str, ...]:
    """Permissions from repeated values and/or comma-separated lists, in catalogue order."""
    given = {p.strip() for value in values for p in value.split(",") if p.strip()}
    unknown = sorted(given - set(PERMISSIONS))
    if unknown:
        raise InvalidParameter(
            f"Permissions must be among {', '.join(PERMISSIONS)}, not {', '.join(unknown)}"
        )
    return tuple(p for p in PERMISSIONS if p in given)


def check_fields(raw: Mapping[str, object], *, production: bool) -> dict[str, object]:
    """The app fields present in `raw` (snake_case names; `permissions` a sequence of strings),
    validated. An empty text or URL clears an optional field; the required ones (friendly name,
    logo URL, company name) cannot be cleared. Raises `InvalidParameter` (or
    `ConstraintViolation`, 70001, for a friendly name over 64 characters)."""
    fields: dict[str, object] = {}
    for name, value in raw.items():
        if name in REQUIRED_FIELDS and (value is None or value == ""):
            raise InvalidParameter(f"{wire_name(name)} is required")
        if name == "friendly_name":
            fields[name] = check_friendly_name(str(value))
        elif name == "company_name":
            fields[name] = check_text(wire_name(name), value, COMPANY_LENGTH)
        elif name == "description":
            fields[name] = check_text(wire_name(name), value, DESCRIPTION_LENGTH)
        elif name in URL_FIELDS:
            text = value if value is None or isinstance(value, str) else str(value)
            fields[name] = check_url(wire_name(name), text, production=production)
        elif name == "deauthorize_callback_method":
            method = DEFAULT_CALLBACK_METHOD if not value else str(value).upper()
            if method not in CALLBACK_METHODS:
                raise InvalidParameter("DeauthorizeCallbackMethod must be GET or POST")
            fields[name] = method
        elif name == "permissions":
            values = [] if value is None else value
            if isinstance(values, str) or not isinstance(values, Iterable):
                raise InvalidParameter("Permissions must be a list of permissions")
            fields[name] = parse_permissions(str(v) for v in values)
        else:
            raise InvalidParameter(f"{wire_name(name)} cannot be set")
    return fields


def wire_name(name: str) -> str:
    """The PascalCase parameter name of the field `name` (`terms_of_service_url` is
    `TermsOfServiceUrl`)."""
    return "".join(part.capitalize() for part in name.split("_"))


def new_app(account: Account, fields: Mapping[str, object], now: datetime) -> ConnectApp:
    """A Connect app of `account` from fields checked by `check_fields`; only Full accounts
    may have one (`FullAccountRequired`, 403)."""
    if account.type is not AccountType.FULL:
        raise FullAccountRequired("Only Full accounts can create Connect apps; upgrade first")
    missing = [wire_name(f) for f in REQUIRED_FIELDS if not fields.get(f)]
    if missing:
        raise InvalidParameter(f"{', '.join(missing)} is required")

    def text(name: str) -> str | None:
        value = fields.get(name)
        return None if value is None else str(value)

    permissions = fields.get("permissions", ())
    assert isinstance(permissions, tuple)  # noqa: S101 - check_fields makes it a tuple
    return ConnectApp(
        sid=new_sid("CN"),
        account_sid=account.sid,
        friendly_name=str(fields["friendly_name"]),
        logo_url=str(fields["logo_url"]),
        company_name=str(fields["company_name"]),
        description=text("description"),
        homepage_url=text("homepage_url"),
        terms_of_service_url=text("terms_of_service_url"),
        authorize_redirect_url=text("authorize_redirect_url"),
        deauthorize_callback_url=text("deauthorize_callback_url"),
        deauthorize_callback_method=str(
            fields.get("deauthorize_callback_method") or DEFAULT_CALLBACK_METHOD
        ),
        permissions=permissions,
        date_created=now,
        date_updated=now,
    )


def update_app(app: ConnectApp, fields: Mapping[str, object], now: datetime) -> ConnectApp:
    """`app` with the checked `fields` replaced; `app` itself when nothing changes."""
    changed = {k: v for k, v in fields.items() if getattr(app, k) != v}
    if not changed:
        return app
    return dataclasses.replace(app, **changed, date_updated=now)  # type: ignore[arg-type]


# ---- Authorizations --------------------------------------------------------------------


def check_customer(customer: Account) -> None:
    """Only an active main account authorizes apps (its users approve for it)."""
    if customer.is_subaccount:
        raise InvalidParameter("Connect apps are authorized by main accounts, not subaccounts")
    if customer.status is not AccountStatus.ACTIVE:
        raise AccountNotActive("Account is not active")


def check_authorizable(app: ConnectApp) -> str:
    """The app's Authorize URL; an app without one cannot be approved."""
    if not app.authorize_redirect_url:
        raise InvalidParameter(
            "This Connect app has no Authorize URL (AuthorizeRedirectUrl); its developer must "
            "set one before customers can authorize it"
        )
    return app.authorize_redirect_url


def subaccount_name(app: ConnectApp) -> str:
    """The dedicated subaccount's friendly name: "<app name> (Connect)", within 64 characters."""
    suffix = " (Connect)"
    return app.friendly_name[: 64 - len(suffix)] + suffix


def approve(
    existing: Authorization | None,
    app: ConnectApp,
    customer_sid: AccountSid,
    subaccount_sid: AccountSid,
    user_sid: str,
    now: datetime,
) -> Authorization:
    """The authorization after a customer approves `app`: a new one, or `existing` active again
    with the app's current permissions as its snapshot (and the subaccount it now uses)."""
    if existing is None:
        return Authorization(
            sid=new_sid("AZ"),
            connect_app_sid=app.sid,
            customer_account_sid=customer_sid,
            subaccount_sid=subaccount_sid,
            permissions=app.permissions,
            status=AuthorizationStatus.ACTIVE,
            approved_by=user_sid,
            date_created=now,
            date_updated=now,
        )
    return dataclasses.replace(
        existing,
        subaccount_sid=subaccount_sid,
        permissions=app.permissions,
        status=AuthorizationStatus.ACTIVE,
        approved_by=user_sid,
        date_updated=now,
        revoked_at=None,
    )


def _redirect(app: ConnectApp, params: list[tuple[str, str]], state: str | None) -> str:
    """The app's Authorize URL with `params` and `state` (when one was given) appended to
    whatever query it already has (its fragment kept)."""
    if state is not None:
        params = [*params, ("state", state)]
    parts = urlsplit(check_authorizable(app))
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def authorized_redirect(app: ConnectApp, authorization: Authorization, state: str | None) -> str:
    """Where the browser goes after approval: the Authorize URL with `AccountSid` (the dedicated
    subaccount) and `state` (when one was given)."""
    return _redirect(app, [("AccountSid", authorization.subaccount_sid)], state)


def denied_redirect(app: ConnectApp, state: str | None) -> str:
    """Where the browser goes after the customer denies: `error=unauthorized_client` and
    `state`."""
    return _redirect(app, [("error", "unauthorized_client")], state)


def deauthorize_params(authorization: Authorization) -> dict[str, str]:
    """The deauthorization callback's parameters (Charter's choice; Twilio never documented
    them): the dedicated subaccount the app worked in, and the Connect app."""
    return {
        "AccountSid": authorization.subaccount_sid,
        "ConnectAppSid": authorization.connect_app_sid,
    }
