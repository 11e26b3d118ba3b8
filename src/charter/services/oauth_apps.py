"""OAuth app use cases: create (secret shown once), list, fetch, update, delete, rotate the
secret with a grace period, and revoke the previous secret at once (the compromise path).

Every change is one transaction holding the change, a change-feed row `("oauth_app", sid)` (so
every instance drops its cached app and secrets) and an audit event: `oauth-apps.created`,
`.updated`, `.deleted`, `.secret-rotated`, `.secret-revoked`. Event data never holds a secret or
a digest.

Secret changes are serialised per app by a compare-and-set on `secret_version`: the winner reads
the secrets only after it holds the app row, so at most two secrets are ever valid.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from charter.domain import oauth_apps as rules
from charter.domain.clock import Clock
from charter.domain.errors import Conflict
from charter.domain.events import Actor, audit_event
from charter.domain.models import Account
from charter.domain.oauth_apps import AppSecret, OAuthApp, Policy
from charter.domain.ownership import owned
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import UnitOfWork, UnitOfWorkFactory
from charter.security import digest, new_key_secret

ENTITY = "oauth_app"  # the change-feed entity the token code's caches listen for
ATTEMPTS = 2  # a secret change that loses the compare-and-set is retried once, then 409

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Rotation:
    """The outcome of a rotation: the new secret (shown once) and when the previous one ends."""

    app: OAuthApp
    secret: str
    previous_expires_at: datetime | None
    rotated_at: datetime


def _policy_data(policy: Policy) -> dict[str, list[str]]:
    return {"allow": list(policy.allow), "deny": list(policy.deny)}


def _plain(value: object) -> object:
    return _policy_data(value) if isinstance(value, Policy) else value


class OAuthAppService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, production: bool) -> None:
        self._uow = uow
        self._clock = clock
        self._production = production

    async def create(
        self, account: Account, raw: Mapping[str, object], actor: Actor
    ) -> tuple[OAuthApp, str]:
        """A new app of `account` from the JSON fields `raw` (`friendly_name` and `policy`
        required), and its first secret, which is never shown again."""
        fields = rules.check_fields(
            {"friendly_name": None, "policy": None, "access_token_ttl": None, **raw},
            production=self._production,
        )
        now = self._clock.now()
        app = rules.new_app(
            account.sid,
            type=str(fields.get("type", rules.APP_TYPES[0])),
            friendly_name=str(fields["friendly_name"]),
            description=_text(fields.get("description")),
            company_name=_text(fields.get("company_name")),
            logo_url=_text(fields.get("logo_url")),
            homepage_url=_text(fields.get("homepage_url")),
            terms_url=_text(fields.get("terms_url")),
            policy=cast(Policy, fields["policy"]),
            access_token_ttl=cast(int, fields["access_token_ttl"]),
            created_by=actor.sid,
            now=now,
        )
        secret = new_key_secret()
        data = {
            "friendly_name": app.friendly_name,
            "policy": _policy_data(app.policy),
            "access_token_ttl": app.access_token_ttl,
        }
        event = audit_event(
            app.account_sid, "oauth-apps.created", app.sid, actor, now, "OAuth app created", data
        )
        async with self._uow() as uow:
            await uow.oauth_apps.add(app)
            await uow.oauth_apps.save_secret(rules.new_secret(app.sid, digest(secret), now))
            await uow.changes.record(ENTITY, app.sid)
            await uow.events.add(event)
            await uow.commit()
        return app, secret

    async def get(self, account: Account, sid: str) -> OAuthApp:
        """The app `sid` of `account`; `NotFound` for apps of any other account."""
        async with self._uow.read() as uow:
            app = await uow.oauth_apps.find(sid)
        return owned(app, account.sid, "OAuthApp", sid)

    async def list_apps(self, account: Account, page: PageRequest) -> Page[OAuthApp]:
        async with self._uow.read() as uow:
            return await uow.oauth_apps.list_page(account.sid, page)

    async def credentials(self, client_id: str) -> tuple[OAuthApp, list[AppSecret]] | None:
        """The app `client_id` and all its stored secrets (check `AppSecret.valid_at`), read
        together; None when there is no such app. No ownership check: for the token endpoint."""
        async with self._uow() as uow:
            app = await uow.oauth_apps.find(client_id)
            if app is None:
                return None
            return app, list(await uow.oauth_apps.secrets(client_id))

    async def update(
        self, account: Account, sid: str, raw: Mapping[str, object], actor: Actor
    ) -> OAuthApp:
        """Replace the fields present in `raw` (PUT: absent fields are kept). A request that
        changes nothing writes nothing and records no event."""
        fields = rules.check_fields(raw, production=self._production)
        app = await self.get(account, sid)
        now = self._clock.now()
        updated = rules.update_app(app, fields, now)
        if updated is app:
            return app
        data = {
            name: {"previous": _plain(getattr(app, name)), "updated": _plain(value)}
            for name, value in fields.items()
            if getattr(app, name) != value
        }
        event = audit_event(
            app.account_sid, "oauth-apps.updated", app.sid, actor, now, "OAuth app updated", data
        )
        async with self._uow() as uow:
            await uow.oauth_apps.update(updated)
            await uow.changes.record(ENTITY, app.sid)
            await uow.events.add(event)
            await uow.commit()
        return updated

    async def delete(self, account: Account, sid: str, actor: Actor) -> None:
        """Delete the app and its secrets: its credentials stop working at once (on other
        instances, via the change feed)."""
        app = await self.get(account, sid)
        now = self._clock.now()
        data = {"friendly_name": app.friendly_name}
        event = audit_event(
            app.account_sid, "oauth-apps.deleted", app.sid, actor, now, "OAuth app deleted", data
        )
        async with self._uow() as uow:
            await uow.oauth_apps.delete(app.sid)
            await uow.changes.record(ENTITY, app.sid)
            await uow.events.add(event)
            await uow.commit()

    async def rotate_secret(
        self, account: Account, sid: str, grace_period_seconds: object, actor: Actor
    ) -> Rotation:
        """A new current secret; the old current one stays valid for the grace period (default
        one day, at most 30), and any older one stops at once. `Conflict` (409) when concurrent
        rotations keep winning."""
        grace = rules.check_grace(grace_period_seconds)

        async def rotate(uow: UnitOfWork, app: OAuthApp) -> Rotation:
            # Whole seconds, so the expiry shown (ISO 8601, seconds) is exactly the boundary.
            now = self._clock.now().replace(microsecond=0)
            secret = new_key_secret()
            new = rules.new_secret(app.sid, digest(secret), now)
            current = list(await uow.oauth_apps.secrets(app.sid))
            keep, drop = rules.rotation(current, new, grace, now)
            await uow.oauth_apps.delete_secrets(drop)
            for kept in keep:
                await uow.oauth_apps.save_secret(kept)
            expires = next((s.expires_at for s in keep if s is not new), None)
            data = {
                "grace_period_seconds": grace,
                "previous_secret_expires_at": None if expires is None else expires.isoformat(),
                "revoked_secrets": len(drop),
            }
            await uow.events.add(
                audit_event(
                    app.account_sid, "oauth-apps.secret-rotated", app.sid, actor, now,
                    "OAuth app secret rotated", data,
                )
            )  # fmt: skip
            return Rotation(app, secret, expires, now)

        return await self._change_secrets(account, sid, rotate)

    async def revoke_previous_secret(self, account: Account, sid: str, actor: Actor) -> int:
        """The compromise path: every secret but the current one stops working at once.
        Returns how many were revoked (0 when there was no previous secret: no event then)."""

        async def revoke(uow: UnitOfWork, app: OAuthApp) -> int:
            ids = rules.previous_secret_ids(list(await uow.oauth_apps.secrets(app.sid)))
            if ids:
                await uow.oauth_apps.delete_secrets(ids)
                await uow.events.add(
                    audit_event(
                        app.account_sid, "oauth-apps.secret-revoked", app.sid, actor,
                        self._clock.now(), "OAuth app previous secret revoked",
                        {"revoked_secrets": len(ids)},
                    )
                )  # fmt: skip
            return len(ids)

        return await self._change_secrets(account, sid, revoke)

    async def _change_secrets(
        self,
        account: Account,
        sid: str,
        change: Callable[[UnitOfWork, OAuthApp], Awaitable[T]],
    ) -> T:
        """Run `change` in one transaction after winning the app's `secret_version`
        compare-and-set; the secrets it reads are then current (nobody else may change them)."""
        for _ in range(ATTEMPTS):
            app = await self.get(account, sid)
            async with self._uow() as uow:
                if not await uow.oauth_apps.bump_secret_version(app.sid, app.secret_version):
                    continue  # another change won (or the app is gone): read again
                result = await change(uow, app)
                await uow.changes.record(ENTITY, app.sid)
                await uow.commit()
                return result
        await self.get(account, sid)  # deleted meanwhile: NotFound rather than Conflict
        raise Conflict("The app's secrets were changed concurrently; try again")


def _text(value: object) -> str | None:
    return None if value is None else str(value)
