"""OAuth apps (`OQ…`, the `client_id`): what they are, what they may do, and their secrets.

An app belongs to one account and acts only on it (never its subaccounts), within its policy:
`allow` and `deny` lists of permission strings from the catalogue (at most 100 in all). A token
request may narrow that further with `scope`. Secrets are SHA-256 digests; at most two are valid
at once, the previous one only until its grace period ends (on the server's clock).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from charter.domain.errors import InvalidParameter, InvalidPermission
from charter.domain.ids import AccountSid, new_sid
from charter.domain.models import Role
from charter.domain.permissions import CATALOGUE, grantable_names

MAX_POLICY = 100
MIN_TTL = 60
MAX_TTL = 30 * 24 * 3600
DEFAULT_TTL = 3600
DEFAULT_GRACE = 24 * 3600
MAX_GRACE = 30 * 24 * 3600
APP_TYPES = ("client_credentials",)
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
NAME_LENGTH = 64
DESCRIPTION_LENGTH = 1024
COMPANY_LENGTH = 255
URL_FIELDS = ("logo_url", "homepage_url", "terms_url")
MANAGING_ROLES = frozenset({Role.OWNER, Role.ADMINISTRATOR, Role.DEVELOPER})


class AppStatus(StrEnum):
    ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class Policy:
    allow: tuple[str, ...]
    deny: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OAuthApp:
    sid: str
    account_sid: AccountSid
    type: str
    friendly_name: str
    description: str | None
    company_name: str | None
    logo_url: str | None
    homepage_url: str | None
    terms_url: str | None
    policy: Policy
    access_token_ttl: int
    status: AppStatus
    created_by: str  # the credential or user that created it (Twilio's `created_by`)
    secret_version: int  # bumped by every rotation: the compare-and-set that keeps secrets ≤ 2
    date_created: datetime
    date_updated: datetime

    @property
    def client_id(self) -> str:
        return self.sid


@dataclass(frozen=True, slots=True)
class AppSecret:
    """One secret's digest. `expires_at` is None for the current secret; the previous secret
    stays valid strictly before `expires_at`."""

    id: str
    app_sid: str
    digest: bytes = dataclasses.field(repr=False)
    created_at: datetime
    expires_at: datetime | None

    def valid_at(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


def may_manage_apps(role: Role) -> bool:
    """Owners, administrators and developers manage apps; billing managers and support do not."""
    return role in MANAGING_ROLES


def check_policy(allow: object, deny: object) -> Policy:
    """A policy from JSON values: lists of known, grantable permission strings, ≤ 100 in all."""
    lists: list[tuple[str, ...]] = []
    for name, value in (("allow", allow), ("deny", deny)):
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            raise InvalidParameter(f'policy "{name}" must be a list of permission strings')
        lists.append(tuple(dict.fromkeys(value)))
    if not lists[0]:
        raise InvalidParameter("policy must allow at least one permission")
    if len(lists[0]) + len(lists[1]) > MAX_POLICY:
        raise InvalidParameter(f"A policy may hold at most {MAX_POLICY} permissions")
    known = grantable_names()
    for permission in lists[0] + lists[1]:
        if permission not in known:
            raise InvalidPermission(f"assertion '{permission}' is invalid")
    return Policy(lists[0], lists[1])


def check_ttl(ttl: object) -> int:
    if ttl is None:
        return DEFAULT_TTL
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not MIN_TTL <= ttl <= MAX_TTL:
        raise InvalidParameter(
            f"access_token_ttl must be a whole number of seconds from {MIN_TTL} to {MAX_TTL}"
        )
    return ttl


def check_grace(seconds: object) -> int:
    if seconds is None:
        return DEFAULT_GRACE
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= MAX_GRACE:
        raise InvalidParameter(
            f"grace_period_seconds must be a whole number of seconds from 0 to {MAX_GRACE}"
        )
    return seconds


def check_url(field: str, value: object, *, production: bool) -> str | None:
    """An absolute http(s) URL (https only in production), or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 2048:
        raise InvalidParameter(f"{field} must be a URL of at most 2048 characters")
    parts = urlsplit(value)
    allowed = ("https",) if production else ("http", "https")
    if parts.scheme not in allowed or not parts.hostname:
        raise InvalidParameter(f"{field} must be an absolute {' or '.join(allowed)} URL")
    return value


def check_text(field: str, value: object, limit: int, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise InvalidParameter(f"{field} is required")
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidParameter(f"{field} must be text of at most {limit} characters")
    return value


def check_type(value: object) -> str:
    if value is None:
        return APP_TYPES[0]
    if value not in APP_TYPES:
        raise InvalidParameter(f"type must be one of: {', '.join(APP_TYPES)}")
    return str(value)


def check_fields(raw: Mapping[str, object], *, production: bool) -> dict[str, object]:
    """The app fields present in `raw` (JSON values; `policy` is `{allow, deny}`), validated.

    A field given as null takes its default: `type` client_credentials, `access_token_ttl` 3600,
    text and URLs none; `friendly_name` and `policy` cannot be null. Raises `InvalidParameter`
    (or `InvalidPermission`, 70002, for a policy naming an unknown permission).
    """
    fields: dict[str, object] = {}
    for name, value in raw.items():
        if name == "type":
            fields[name] = check_type(value)
        elif name == "friendly_name":
            fields[name] = check_text(name, value, NAME_LENGTH, required=True)
        elif name == "description":
            fields[name] = check_text(name, value, DESCRIPTION_LENGTH)
        elif name == "company_name":
            fields[name] = check_text(name, value, COMPANY_LENGTH)
        elif name in URL_FIELDS:
            fields[name] = check_url(name, value, production=production)
        elif name == "policy":
            if value is not None and not isinstance(value, Mapping):
                raise InvalidParameter('policy must be an object {"allow": [...], "deny": [...]}')
            given = value or {}
            fields[name] = check_policy(given.get("allow"), given.get("deny"))
        elif name == "access_token_ttl":
            fields[name] = check_ttl(value)
        else:
            raise InvalidParameter(f"{name} cannot be set")
    return fields


def update_app(app: OAuthApp, fields: Mapping[str, object], now: datetime) -> OAuthApp:
    """`app` with the validated `fields` (from `check_fields`) replaced; `app` itself when
    nothing changes."""
    changed = {k: v for k, v in fields.items() if getattr(app, k) != v}
    if not changed:
        return app
    return dataclasses.replace(app, **changed, date_updated=now)  # type: ignore[arg-type]


def effective_permissions(policy: Policy, scope: frozenset[str] | None) -> frozenset[str]:
    """The concrete permission names an app's token may use: allowed (directly or through a
    resource's `*`), not denied, and within `scope` when one was requested."""

    def covers(names: tuple[str, ...] | frozenset[str], name: str, wildcard: str) -> bool:
        return name in names or wildcard in names

    return frozenset(
        p.name
        for p in CATALOGUE
        if p.grantable
        and covers(policy.allow, p.name, p.wildcard)
        and not covers(policy.deny, p.name, p.wildcard)
        and (scope is None or covers(scope, p.name, p.wildcard))
    )


def check_scope(policy: Policy, requested: str | None) -> frozenset[str] | None:
    """The requested scope (space-separated permission strings) if the policy covers all of it;
    None when no scope was asked for. Raises `ValueError` for anything beyond the policy."""
    if requested is None or not requested.strip():
        return None
    scope = frozenset(requested.split())
    allowed = effective_permissions(policy, None)
    for item in scope:
        granted = effective_permissions(policy, frozenset({item}))
        if not granted or not granted <= allowed:
            raise ValueError(item)
    return scope


def new_app(
    account_sid: AccountSid,
    *,
    type: str,
    friendly_name: str,
    description: str | None,
    company_name: str | None,
    logo_url: str | None,
    homepage_url: str | None,
    terms_url: str | None,
    policy: Policy,
    access_token_ttl: int,
    created_by: str,
    now: datetime,
) -> OAuthApp:
    if type not in APP_TYPES:
        raise InvalidParameter(f"type must be one of: {', '.join(APP_TYPES)}")
    return OAuthApp(
        sid=new_sid("OQ"),
        account_sid=account_sid,
        type=type,
        friendly_name=friendly_name,
        description=description,
        company_name=company_name,
        logo_url=logo_url,
        homepage_url=homepage_url,
        terms_url=terms_url,
        policy=policy,
        access_token_ttl=access_token_ttl,
        status=AppStatus.ACTIVE,
        created_by=created_by,
        secret_version=1,
        date_created=now,
        date_updated=now,
    )


def new_secret(app_sid: str, digest: bytes, now: datetime) -> AppSecret:
    return AppSecret(new_sid("OS"), app_sid, digest, now, None)


def rotation(
    secrets: list[AppSecret], new: AppSecret, grace_seconds: int, now: datetime
) -> tuple[list[AppSecret], list[str]]:
    """Secrets after rotating in `new`: (secrets to keep or write, ids to delete).

    The current secret becomes the previous one, valid for `grace_seconds` more; any older
    previous secret is invalidated at once, so never more than two are valid.
    """
    keep: list[AppSecret] = []
    drop: list[str] = []
    for secret in secrets:
        if secret.expires_at is None and secret.valid_at(now):
            keep.append(
                dataclasses.replace(secret, expires_at=now + timedelta(seconds=grace_seconds))
            )
        else:
            drop.append(secret.id)
    return [*keep, new], drop


def previous_secret_ids(secrets: list[AppSecret]) -> list[str]:
    """The secrets the compromise path deletes: every one but the current (the previous secret,
    valid or already expired)."""
    return [secret.id for secret in secrets if secret.expires_at is not None]
