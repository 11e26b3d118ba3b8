"""The console's rules: signed-in sessions, who may manage Connect apps, and where a `next`
parameter may send the browser.

A session is a random cookie token of which only the SHA-256 digest is stored, with the CSRF
token of the forms it is shown; it ends at `expires_at` or when the user signs out, on every
instance at once (the row is the only copy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from charter.domain.ids import UserSid
from charter.domain.models import Membership, Role
from charter.domain.oauth_apps import may_manage_apps

SESSION_LIFETIME = timedelta(hours=12)  # absolute: signing in again starts a new session
PASSWORD_MIN = 8
PASSWORD_MAX = 1024  # argon2 takes any length; this bounds the work one request can ask for
HOME = "/console/"
_ROLE_ORDER = (Role.OWNER, Role.ADMINISTRATOR, Role.DEVELOPER, Role.BILLING_MANAGER, Role.SUPPORT)


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    """A signed-in browser: the digest of its cookie token, the user, the forms' CSRF token."""

    token_digest: bytes
    user_sid: UserSid
    csrf_token: str
    created_at: datetime
    expires_at: datetime

    def is_valid(self, now: datetime) -> bool:
        return now < self.expires_at


def acting_membership(memberships: Sequence[Membership]) -> Membership | None:
    """The membership the console acts through: the user's first with a role that manages apps
    (`oauth_apps.may_manage_apps`: owners, administrators and developers manage Connect apps and
    authorize them for their account; billing managers and support do not), owner before
    administrator before developer, then by account SID (so the choice is stable)."""
    managing = [m for m in memberships if may_manage_apps(m.role)]
    managing.sort(key=lambda m: (_ROLE_ORDER.index(m.role), m.account_sid))
    return managing[0] if managing else None


def safe_next(value: str | None) -> str:
    """`value` when it is a path on this site (`/…`, no scheme, host or backslash), else the
    console's home: a `next` parameter never sends the browser anywhere else."""
    if not value or len(value) > 2048 or not value.startswith("/"):
        return HOME
    if value.startswith("//") or "\\" in value or any(ord(c) < 0x20 or c == "\x7f" for c in value):
        return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return HOME
    return value


def account_name_for(email: str) -> str:
    """A new account's friendly name, from its owner's email (within 64 characters)."""
    return email.strip().lower()[:64]
