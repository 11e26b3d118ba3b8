"""API keys: standard, main and restricted; policies; who may manage them."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

from charter.domain.accounts import check_friendly_name
from charter.domain.errors import InvalidParameter, InvalidPermission
from charter.domain.ids import new_sid
from charter.domain.models import Account, APIKey, KeyType
from charter.domain.permissions import grantable_names

MAX_POLICY = 100


def parse_policy(raw: str) -> tuple[str, ...]:
    """The `allow` list of a restricted key's policy, given as a JSON string.

    At most 100 permissions, each one Charter knows (`InvalidPermission`, 70002, otherwise).
    """
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidParameter("Policy must be a JSON object") from None
    if not isinstance(document, dict) or set(document) - {"allow"}:
        raise InvalidParameter('Policy must be a JSON object with one key, "allow"')
    allow = document.get("allow")
    if not isinstance(allow, list) or not all(isinstance(p, str) for p in allow):
        raise InvalidParameter('Policy "allow" must be a list of permission strings')
    if not allow:
        raise InvalidParameter("A restricted key's policy must allow at least one permission")
    if len(allow) > MAX_POLICY:
        raise InvalidParameter(f"A policy may hold at most {MAX_POLICY} permissions")
    known = grantable_names()
    for permission in allow:
        if permission not in known:
            raise InvalidPermission(f"assertion '{permission}' is invalid")
    return tuple(dict.fromkeys(allow))


def new_api_key(
    account: Account,
    friendly_name: str | None,
    key_type: KeyType,
    policy: tuple[str, ...] | None,
    secret_digest: bytes,
    now: datetime,
) -> APIKey:
    """A key of `account`; restricted keys need a policy and only they may have one."""
    if (key_type is KeyType.RESTRICTED) != (policy is not None):
        raise InvalidParameter(
            "A Policy is required for restricted keys and not allowed for other keys"
        )
    return APIKey(
        sid=new_sid("SK"),
        account_sid=account.sid,
        friendly_name=None if friendly_name is None else check_friendly_name(friendly_name),
        key_type=key_type,
        policy=policy,
        secret_digest=secret_digest,
        date_created=now,
        date_updated=now,
    )


def update_api_key(
    key: APIKey, friendly_name: str | None, policy: tuple[str, ...] | None, now: datetime
) -> APIKey:
    """Rename a key and, for a restricted key, replace its policy."""
    changes: dict[str, object] = {}
    if friendly_name is not None:
        changes["friendly_name"] = check_friendly_name(friendly_name)
    if policy is not None:
        if key.key_type is not KeyType.RESTRICTED:
            raise InvalidParameter("Only restricted keys have a policy")
        changes["policy"] = policy
    if not changes:
        return key
    return dataclasses.replace(key, date_updated=now, **changes)  # type: ignore[arg-type]


def key_flags(key: APIKey) -> list[str]:
    """Twilio's `flags` in IAM key lists."""
    if key.key_type is KeyType.RESTRICTED:
        return ["rest_api", "restricted"]
    if key.key_type is KeyType.MAIN:
        return ["rest_api", "signing", "manage_accounts", "manage_keys"]
    return ["rest_api", "signing"]
