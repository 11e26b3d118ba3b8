"""Console use cases: signing up, signing in and out, and finding who a session cookie belongs to.

Sign-up makes a new **Full** main account with the user as its owner, opened with the price
list's starting balance for Full accounts (as `charter accounts create` does). Sign-in checks the
argon2id hash; an unknown email and a wrong password fail alike (a dummy hash is verified for the
former) and both count in the same throttle as API credentials, by client address and by email.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from charter.domain import console as rules
from charter.domain.clock import Clock
from charter.domain.errors import AuthenticationRequired, InvalidParameter, TooManyRequests
from charter.domain.events import CONSOLE, Actor
from charter.domain.models import Account, AccountType, Membership, User
from charter.domain.ports import UnitOfWorkFactory
from charter.domain.throttle import AuthThrottle
from charter.security import digest, verify_password
from charter.services.accounts import AccountService
from charter.services.directory import Directory


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A valid session: its user, the forms' CSRF token, and the account the console acts on
    (None when the user has no membership with a managing role)."""

    user: User
    csrf_token: str
    membership: Membership | None
    account: Account | None

    @property
    def actor_sid(self) -> str:
        return self.user.sid


@dataclass(frozen=True, slots=True)
class NewSession:
    """What the browser gets after signing in: the cookie's token (never stored) and the user."""

    token: str
    user: User


class ConsoleService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        accounts: AccountService,
        directory: Directory,
        throttle: AuthThrottle,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._accounts = accounts
        self._directory = directory
        self._throttle = throttle

    async def sign_up(self, email: str, password: str, source: str) -> NewSession:
        """A new Full main account owned by a new user `email`, and a session for that user.
        Raises `InvalidParameter` with a message fit to show on the form."""
        if len(password) > rules.PASSWORD_MAX:
            raise InvalidParameter(f"The password must be at most {rules.PASSWORD_MAX} characters")
        actor = Actor("system", "console-sign-up", CONSOLE, source)  # no user exists yet
        _, user = await self._accounts.create_main_account(
            rules.account_name_for(email) or "Charter account",
            AccountType.FULL,
            email=email,
            password=password,
            actor=actor,
        )
        assert user is not None  # noqa: S101 - an email and a password make an owner
        return await self._open(user)

    async def sign_in(self, email: str, password: str, source: str) -> NewSession:
        """A new session for the user `email`; `AuthenticationRequired` for an unknown email or
        a wrong password alike, `TooManyRequests` after too many failures."""
        key = email.strip().lower()
        wait = self._throttle.retry_after(source, key)
        if wait is not None:
            raise TooManyRequests(
                "Too many failed sign-in attempts; try again later",
                headers={"Retry-After": str(wait)},
            )
        async with self._uow() as uow:
            user = await uow.users.find_by_email(key) if len(key) <= 254 else None
        if not verify_password(password, user.password_hash if user else None) or user is None:
            self._throttle.failed(source, key)
            raise AuthenticationRequired("The email address or password is not correct")
        self._throttle.succeeded(source, key)
        return await self._open(user)

    async def _open(self, user: User) -> NewSession:
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        session = rules.ConsoleSession(
            token_digest=digest(token),
            user_sid=user.sid,
            csrf_token=secrets.token_hex(32),
            created_at=now,
            expires_at=now + rules.SESSION_LIFETIME,
        )
        async with self._uow() as uow:
            await uow.console_sessions.delete_expired(now)
            await uow.console_sessions.add(session)
            await uow.commit()
        return NewSession(token, user)

    async def session(self, token: str | None) -> SignedIn | None:
        """Who the cookie token `token` signs in, or None (unknown, expired or signed out)."""
        if not token or len(token) > 128:
            return None
        async with self._uow() as uow:
            session = await uow.console_sessions.find(digest(token))
            if session is None or not session.is_valid(self._clock.now()):
                return None
            user = await uow.users.find(session.user_sid)
            if user is None:  # pragma: no cover - sessions are deleted with their user
                return None
            membership = rules.acting_membership(await uow.users.memberships(user))
        account = None
        if membership is not None:
            account = await self._directory.account(membership.account_sid)
        return SignedIn(user, session.csrf_token, membership, account)

    async def sign_out(self, token: str | None) -> None:
        """End the session of `token` at once (nothing happens for an unknown token)."""
        if not token or len(token) > 128:
            return
        async with self._uow() as uow:
            await uow.console_sessions.delete(digest(token))
            await uow.commit()
