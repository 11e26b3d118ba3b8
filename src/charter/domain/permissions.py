"""The permission catalogue and the authorization decision.

Permissions are Twilio's strings, `/twilio/{product}/{resource}/{action}` with actions `read` (one
instance), `list` (the collection), `create`, `update`, `delete`, and `*` for all of a resource's
grantable actions. Every route names one permission from here (`charter.web.api`), so this one table
serves restricted keys, OAuth policies and Connect's get-all/post-all.

Some actions exist for routing and docs only and can never be granted (`grantable=False`): managing
accounts, keys and auth tokens is reserved to the auth token and main keys, as on Twilio.
"""

from __future__ import annotations

from dataclasses import dataclass

from charter.domain.errors import AuthenticationRequired, PermissionMissing
from charter.domain.models import Principal

READ, LIST, CREATE, UPDATE, DELETE = "read", "list", "create", "update", "delete"

FULL_CREDENTIALS = frozenset({"auth_token", "main_key"})
# Credentials limited to the concrete permissions (or resource wildcards) in `Principal.policy`:
# restricted keys, and OAuth apps' access tokens (policy ∩ scope, denials removed).
POLICY_CREDENTIALS = frozenset({"restricted_key", "oauth_app"})
# A Connect app acting for a customer (`ConnectSubaccountSid:DeveloperAuthToken`); its policy holds
# the usable Connect permissions, `get-all` and/or `post-all`.
CONNECT = "connect"
GET_ALL, POST_ALL = "get-all", "post-all"


@dataclass(frozen=True, slots=True)
class Permission:
    product: str
    resource: str
    action: str
    grantable: bool = True
    billable: bool = False

    @property
    def name(self) -> str:
        return f"/twilio/{self.product}/{self.resource}/{self.action}"

    @property
    def wildcard(self) -> str:
        return f"/twilio/{self.product}/{self.resource}/*"

    @property
    def is_management(self) -> bool:
        """Accounts, keys and auth tokens: never reachable by standard keys (Twilio: 20003)."""
        return self.product == "iam"


def _resource(
    product: str,
    resource: str,
    grantable: tuple[str, ...],
    reserved: tuple[str, ...] = (),
    billable: tuple[str, ...] = (),
) -> dict[str, Permission]:
    perms = {a: Permission(product, resource, a, True, a in billable) for a in grantable}
    perms |= {a: Permission(product, resource, a, False, a in billable) for a in reserved}
    return perms


ALL_ACTIONS = (READ, LIST, CREATE, UPDATE, DELETE)

ACCOUNTS = _resource("iam", "accounts", (READ, LIST), reserved=(CREATE, UPDATE))
API_KEYS = _resource("iam", "api-keys", (READ, LIST), reserved=(CREATE, UPDATE, DELETE))
AUTH_TOKENS = _resource("iam", "auth-tokens", (), reserved=(CREATE, UPDATE, DELETE))
OAUTH_APPS = _resource("iam", "oauth-apps", (), reserved=ALL_ACTIONS)
CONNECT_APPS = _resource("iam", "connect-apps", (), reserved=ALL_ACTIONS)
AUTHORIZED_CONNECT_APPS = _resource(
    "iam", "authorized-connect-apps", (), reserved=(READ, LIST, DELETE)
)

MESSAGES = _resource("messaging", "messages", ALL_ACTIONS, billable=(CREATE,))
CALLS = _resource("voice", "calls", ALL_ACTIONS, billable=(CREATE,))
RECORDINGS = _resource("voice", "recordings", (READ, LIST, DELETE))
ACTIVE_NUMBERS = _resource("phone-numbers", "active-numbers", ALL_ACTIONS, billable=(CREATE,))
AVAILABLE_NUMBERS = _resource("phone-numbers", "available-numbers", (LIST,))
USAGE = _resource("billing", "usage", (READ,))
BALANCE = _resource("billing", "balance", (READ,))  # Charter's own string: Twilio names none
EVENTS = _resource("monitor", "events", (READ, LIST))
# Charter's own: the delivery log of webhooks (Twilio names no such resource)
WEBHOOK_DELIVERIES = _resource("monitor", "webhook-deliveries", (READ, LIST))

CATALOGUE: tuple[Permission, ...] = tuple(
    p
    for table in (
        ACCOUNTS, API_KEYS, AUTH_TOKENS, OAUTH_APPS, CONNECT_APPS, AUTHORIZED_CONNECT_APPS,
        MESSAGES, CALLS, RECORDINGS, ACTIVE_NUMBERS, AVAILABLE_NUMBERS, USAGE, BALANCE, EVENTS,
        WEBHOOK_DELIVERIES,
    )
    for p in table.values()
)  # fmt: skip


def grantable_names() -> frozenset[str]:
    """Every string a policy may contain: grantable permissions and their resources' `*`."""
    names = {p.name for p in CATALOGUE if p.grantable}
    names |= {p.wildcard for p in CATALOGUE if p.grantable}
    return frozenset(names)


def connect_requirement(permission: Permission) -> str | None:
    """The Connect permission a use of `permission` needs: `get-all` to read or list, `post-all`
    to create, update or delete; None when no Connect app may use it at all (every reserved
    action, and all of IAM but reading and listing accounts: delegation never escalates)."""
    if not permission.grantable:
        return None
    if permission.is_management and permission.resource != "accounts":
        return None
    return GET_ALL if permission.action in (READ, LIST) else POST_ALL


def reveals_auth_tokens(principal: Principal) -> bool:
    """Whether account bodies shown to `principal` carry `auth_token`: only for the account's own
    full credentials (auth token, main key). Delegated credentials never see one: a restricted key
    or an OAuth token with `/twilio/iam/accounts/read` would otherwise escalate to the account's
    full power, and a Connect app would outlive its revocation with the subaccount's token."""
    return principal.kind in FULL_CREDENTIALS


def authorize(principal: Principal, permission: Permission) -> None:
    """Allow `principal` to use `permission`, or raise.

    Auth tokens and main keys may do everything. Standard keys may do everything but manage
    accounts, keys and auth tokens (`AuthenticationRequired`, 20003, as Twilio answers).
    Restricted keys and OAuth apps' access tokens may do only what their policy grants
    (`PermissionMissing`, 70051); neither ever reaches a reserved (management) action. Connect
    apps may read with `get-all` and write with `post-all` (70051 without it), and never manage
    anything (20003); which accounts they reach is `charter.domain.accounts.can_reach`'s rule.
    """
    if principal.kind in FULL_CREDENTIALS:
        return
    if principal.kind == "standard_key":
        if permission.is_management:
            raise AuthenticationRequired("Authenticate")
        return
    if principal.kind in POLICY_CREDENTIALS:
        policy = principal.policy or frozenset()
        if permission.grantable and (permission.name in policy or permission.wildcard in policy):
            return
        if not permission.grantable:
            raise AuthenticationRequired("Authenticate")
        raise PermissionMissing(
            f"Authorization Error: required permission {permission.name.lstrip('/')} is missing"
        )
    if principal.kind == CONNECT:
        needed = connect_requirement(permission)
        if needed is None:
            raise AuthenticationRequired("Authenticate")
        if needed not in (principal.policy or frozenset()):
            raise PermissionMissing(
                f"Authorization Error: the Connect app is not authorized for {needed}"
            )
        return
    raise AuthenticationRequired("Authenticate")  # pragma: no cover - every kind is handled
