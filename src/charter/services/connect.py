"""Twilio Connect use cases: developers' Connect apps, customers' authorizations of them, and
revocation with its deauthorization callback.

Every change is one transaction holding the change, its change-feed rows (`connect_app` keyed by
the app's SID, `connect_authorization` keyed by the dedicated subaccount's SID, so every instance
drops what it cached and a revoked app is refused at once everywhere) and its audit events:
`connect-apps.created`, `.updated`, `.deleted` in the developer's log;
`authorized-connect-apps.created` (approval, also again on re-approval) and `.deleted`
(revocation) in the customer's. A revocation queues its deauthorization callback in the same
transaction, to the developer's Deauthorize URL with `AccountSid` (the dedicated subaccount) and
`ConnectAppSid`, signed by the webhook worker with the developer's auth token.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from charter.domain import connect as rules
from charter.domain.clock import Clock
from charter.domain.connect import Authorization, ConnectApp, usable_permissions
from charter.domain.errors import Conflict, NotFound
from charter.domain.events import Actor, audit_event, changes
from charter.domain.ids import AccountSid
from charter.domain.models import Account, AccountStatus
from charter.domain.ownership import owned
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import UnitOfWork, UnitOfWorkFactory
from charter.services.accounts import AccountService
from charter.services.directory import CONNECT_APP, CONNECT_AUTHORIZATION

ATTEMPTS = 3  # an approval that loses the race on (app, customer) reads the winner's back
DEAUTHORIZE = "deauthorize"  # the outbox kind of deauthorization callbacks


class ConnectService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, accounts: AccountService, *, production: bool
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._accounts = accounts
        self._production = production

    # ---- the developer's apps -----------------------------------------------------------

    async def create_app(
        self, account: Account, fields: Mapping[str, object], actor: Actor
    ) -> ConnectApp:
        """A new Connect app of `account` (Full accounts only) from snake_case `fields`
        (`friendly_name`, `logo_url`, `company_name` required)."""
        checked = rules.check_fields(fields, production=self._production)
        now = self._clock.now()
        app = rules.new_app(account, checked, now)
        data = {"friendly_name": app.friendly_name, "permissions": list(app.permissions)}
        async with self._uow() as uow:
            await uow.connect_apps.add(app)
            await _app_changed(uow, app, "created", data, actor, now)
        return app

    async def list_apps(self, account: Account, page: PageRequest) -> Page[ConnectApp]:
        async with self._uow() as uow:
            return await uow.connect_apps.list_page(account.sid, page)

    async def get_app(self, account: Account, sid: str) -> ConnectApp:
        """The app `sid` of `account`; `NotFound` for any other account's."""
        return owned(await self.find_app(sid), account.sid, "ConnectApp", sid)

    async def find_app(self, sid: str) -> ConnectApp | None:
        """The app `sid`, whoever owns it (the consent page shows any app)."""
        async with self._uow() as uow:
            return await uow.connect_apps.find(sid)

    async def update_app(
        self, account: Account, sid: str, fields: Mapping[str, object], actor: Actor
    ) -> ConnectApp:
        """Replace the fields given; a permission removed stops working at once for every
        authorization, one added is unusable until each customer approves again. A request
        that changes nothing writes nothing."""
        checked = rules.check_fields(fields, production=self._production)
        app = await self.get_app(account, sid)
        now = self._clock.now()
        updated = rules.update_app(app, checked, now)
        if updated is app:
            return app
        data = changes(app, updated, *rules.APP_FIELDS)
        async with self._uow() as uow:
            if not await uow.connect_apps.update(updated):
                raise NotFound(f"The requested resource ConnectApp {sid} was not found")
            await _app_changed(uow, app, "updated", data, actor, now)
        return updated

    async def delete_app(self, account: Account, sid: str, actor: Actor) -> None:
        """Delete the app; every authorization of it is revoked in the same transaction, each
        with its deauthorization callback."""
        app = await self.get_app(account, sid)
        now = self._clock.now()
        async with self._uow() as uow:
            for authorization in await uow.authorizations.for_app(app.sid):
                if authorization.is_active:
                    await self._revoke(uow, app, authorization, actor, now)
            await uow.connect_apps.delete(app.sid)
            await _app_changed(
                uow, app, "deleted", {"friendly_name": app.friendly_name}, actor, now
            )

    # ---- customers' authorizations ------------------------------------------------------

    async def authorize(
        self, customer: Account, app_sid: str, user_sid: str, actor: Actor
    ) -> tuple[Authorization, str]:
        """Record that `user_sid` approved the app `app_sid` for `customer` (a main account).

        Creates the app's dedicated subaccount of the customer, or on re-approval reuses it
        (reactivated if suspended; a new one if it was closed), and snapshots the app's current
        permissions. Returns the authorization and the redirect URL with `AccountSid` but no
        `state` (see `redirect_for`). Raises `NotFound` for an unknown app, `InvalidParameter`
        for an app without an Authorize URL or a subaccount customer, `AccountNotActive` for a
        suspended or closed customer. Concurrent approvals make one authorization and one
        subaccount.
        """
        for attempt in range(ATTEMPTS):
            try:
                authorization, app = await self._approve(customer, app_sid, user_sid, actor)
            except Conflict:
                if attempt == ATTEMPTS - 1:
                    raise
                continue
            return authorization, self.redirect_for(app, authorization, None)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _approve(
        self, customer: Account, app_sid: str, user_sid: str, actor: Actor
    ) -> tuple[Authorization, ConnectApp]:
        async with self._uow() as uow:
            app = await uow.connect_apps.find(app_sid)
            if app is None:
                raise NotFound(f"The requested resource ConnectApp {app_sid} was not found")
            rules.check_authorizable(app)
            current = await uow.accounts.find(customer.sid)
            if current is None:  # pragma: no cover - accounts are never deleted
                raise NotFound("The account no longer exists")
            rules.check_customer(current)
            existing = await uow.authorizations.find_for(app.sid, current.sid)
            subaccount = await self._dedicated_subaccount(uow, current, app, existing, actor)
            now = self._clock.now()
            authorization = rules.approve(existing, app, current.sid, subaccount.sid, user_sid, now)
            if existing is None:
                await uow.authorizations.add(authorization)  # Conflict when a race was lost
            else:
                await uow.authorizations.update(authorization)
                await uow.changes.record(CONNECT_AUTHORIZATION, existing.subaccount_sid)
            await uow.changes.record(CONNECT_AUTHORIZATION, subaccount.sid)
            data = {
                "connect_app_sid": app.sid,
                "authorization_sid": authorization.sid,
                "subaccount_sid": subaccount.sid,
                "permissions": list(authorization.permissions),
                "approved_by": user_sid,
            }
            await uow.events.add(
                audit_event(
                    current.sid, "authorized-connect-apps.created", app.sid, actor, now,
                    f"Connect app {app.friendly_name} authorized", data,
                )
            )  # fmt: skip
            await uow.commit()
        return authorization, app

    async def _dedicated_subaccount(
        self,
        uow: UnitOfWork,
        customer: Account,
        app: ConnectApp,
        existing: Authorization | None,
        actor: Actor,
    ) -> Account:
        """The subaccount the app works in: the one it had (active again), or a new one."""
        if existing is not None:
            subaccount = await uow.accounts.find(existing.subaccount_sid)
            if subaccount is not None and subaccount.status is not AccountStatus.CLOSED:
                return await self._accounts.reactivate(uow, subaccount, actor)
        name = rules.subaccount_name(app)
        return await self._accounts.add_subaccount(uow, customer, name, actor)

    def redirect_for(self, app: ConnectApp, authorization: Authorization, state: str | None) -> str:
        """The Authorize URL with `AccountSid=<dedicated subaccount>` and `state` appended to
        any query it already has."""
        return rules.authorized_redirect(app, authorization, state)

    def denied_redirect_for(self, app: ConnectApp, state: str | None) -> str:
        """The Authorize URL with `error=unauthorized_client` and `state`."""
        return rules.denied_redirect(app, state)

    async def authorized_apps(
        self, customer: Account, page: PageRequest
    ) -> Page[tuple[Authorization, ConnectApp]]:
        """The customer's active authorizations, oldest first, with their apps."""
        async with self._uow() as uow:
            found = await uow.authorizations.active_page(AccountSid(customer.sid), page)
            items = []
            for authorization in found.items:
                app = await uow.connect_apps.find(authorization.connect_app_sid)
                if app is not None:
                    items.append((authorization, app))
        return Page(items, found.has_next, found.has_previous)

    async def authorized_app(
        self, customer: Account, app_sid: str
    ) -> tuple[Authorization, ConnectApp]:
        """The customer's active authorization of `app_sid` and the app; `NotFound` otherwise."""
        async with self._uow() as uow:
            authorization = await uow.authorizations.find_for(app_sid, customer.sid)
            app = await uow.connect_apps.find(app_sid)
        if authorization is None or not authorization.is_active or app is None:
            raise _no_authorization(app_sid)
        return authorization, app

    async def revoke(self, customer: Account, app_sid: str, actor: Actor) -> None:
        """Revoke the customer's authorization of `app_sid`: the app is refused at once on
        every instance, and its deauthorization callback is queued. `NotFound` when there is
        no active authorization (also for the loser of two concurrent revocations)."""
        now = self._clock.now()
        async with self._uow() as uow:
            authorization = await uow.authorizations.find_for(app_sid, customer.sid)
            app = await uow.connect_apps.find(app_sid)
            if (
                authorization is None
                or app is None
                or not authorization.is_active
                or not await self._revoke(uow, app, authorization, actor, now)
            ):
                raise _no_authorization(app_sid)
            await uow.commit()

    async def _revoke(
        self,
        uow: UnitOfWork,
        app: ConnectApp,
        authorization: Authorization,
        actor: Actor,
        now: datetime,
    ) -> bool:
        """Revoke `authorization` in `uow` (compare-and-set on its status), with its change-feed
        row, its event and its callback; False when it was no longer active."""
        revoked = rules.revoke(authorization, now)
        if not await uow.authorizations.update(
            revoked, if_status=rules.AuthorizationStatus.ACTIVE.value
        ):
            return False
        await uow.changes.record(CONNECT_AUTHORIZATION, authorization.subaccount_sid)
        data = {
            "connect_app_sid": app.sid,
            "authorization_sid": authorization.sid,
            "subaccount_sid": authorization.subaccount_sid,
            "permissions": sorted(usable_permissions(authorization, app)),
        }
        await uow.events.add(
            audit_event(
                authorization.customer_account_sid, "authorized-connect-apps.deleted", app.sid,
                actor, now, f"Connect app {app.friendly_name} deauthorized", data,
            )
        )  # fmt: skip
        if app.deauthorize_callback_url:
            await uow.outbox.enqueue(
                DEAUTHORIZE,
                app.account_sid,
                app.deauthorize_callback_url,
                app.deauthorize_callback_method,
                rules.deauthorize_params(authorization),
                now,
                subject_sid=authorization.sid,
            )
        return True


async def _app_changed(
    uow: UnitOfWork,
    app: ConnectApp,
    what: str,
    data: Mapping[str, object],
    actor: Actor,
    now: datetime,
) -> None:
    """Finish a change to `app` in `uow`: its change-feed row, its `connect-apps.<what>` event in
    the developer's log, and the commit."""
    await uow.changes.record(CONNECT_APP, app.sid)
    await uow.events.add(
        audit_event(
            app.account_sid, f"connect-apps.{what}", app.sid, actor, now,
            f"Connect app {what}", data,
        )
    )  # fmt: skip
    await uow.commit()


def _no_authorization(app_sid: str) -> NotFound:
    return NotFound(f"The requested resource AuthorizedConnectApp {app_sid} was not found")
