"""Connect apps and customers' authorizations of them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError

from charter.domain.connect import Authorization, AuthorizationStatus, ConnectApp
from charter.domain.errors import Conflict
from charter.domain.ids import AccountSid
from charter.domain.paging import Page, PageRequest
from charter.storage.sid_repo import SidRepo
from charter.storage.tables import ConnectAppRow, ConnectAuthorizationRow


def _split(value: str) -> tuple[str, ...]:
    return tuple(p for p in value.split(",") if p)


class SQLConnectAppRepo(SidRepo[ConnectApp]):
    row = ConnectAppRow

    def to_domain(self, row: ConnectAppRow) -> ConnectApp:
        return ConnectApp(
            sid=row.sid,
            account_sid=AccountSid(row.account_sid),
            friendly_name=row.friendly_name,
            logo_url=row.logo_url,
            company_name=row.company_name,
            description=row.description,
            homepage_url=row.homepage_url,
            terms_of_service_url=row.terms_of_service_url,
            authorize_redirect_url=row.authorize_redirect_url,
            deauthorize_callback_url=row.deauthorize_callback_url,
            deauthorize_callback_method=row.deauthorize_callback_method,
            permissions=_split(row.permissions),
            date_created=row.date_created,
            date_updated=row.date_updated,
        )

    def values(self, app: ConnectApp) -> dict[str, object]:
        return {
            "account_sid": app.account_sid,
            "friendly_name": app.friendly_name,
            "logo_url": app.logo_url,
            "company_name": app.company_name,
            "description": app.description,
            "homepage_url": app.homepage_url,
            "terms_of_service_url": app.terms_of_service_url,
            "authorize_redirect_url": app.authorize_redirect_url,
            "deauthorize_callback_url": app.deauthorize_callback_url,
            "deauthorize_callback_method": app.deauthorize_callback_method,
            "permissions": ",".join(app.permissions),
            "date_created": app.date_created,
            "date_updated": app.date_updated,
        }

    async def list_page(self, account_sid: AccountSid, page: PageRequest) -> Page[ConnectApp]:
        query = select(ConnectAppRow).where(ConnectAppRow.account_sid == account_sid)
        return await self.page(query, page)


class SQLAuthorizationRepo(SidRepo[Authorization]):
    """Keyed by its `AZ…` SID; also found by (app, customer) and by the dedicated subaccount."""

    row = ConnectAuthorizationRow

    def to_domain(self, row: ConnectAuthorizationRow) -> Authorization:
        return Authorization(
            sid=row.sid,
            connect_app_sid=row.connect_app_sid,
            customer_account_sid=AccountSid(row.customer_account_sid),
            subaccount_sid=AccountSid(row.subaccount_sid),
            permissions=_split(row.permissions),
            status=AuthorizationStatus(row.status),
            approved_by=row.approved_by,
            date_created=row.date_created,
            date_updated=row.date_updated,
            revoked_at=row.revoked_at,
        )

    def values(self, authorization: Authorization) -> dict[str, object]:
        return {
            "connect_app_sid": authorization.connect_app_sid,
            "customer_account_sid": authorization.customer_account_sid,
            "subaccount_sid": authorization.subaccount_sid,
            "permissions": ",".join(authorization.permissions),
            "status": authorization.status.value,
            "approved_by": authorization.approved_by,
            "date_created": authorization.date_created,
            "date_updated": authorization.date_updated,
            "revoked_at": authorization.revoked_at,
        }

    async def add(self, authorization: Authorization) -> None:
        """Insert; `Conflict` when the customer's authorization of the app (or the subaccount's)
        already exists, e.g. written by a concurrent approval (the unit of work is then spent)."""
        try:
            await super().add(authorization)
        except IntegrityError:
            raise Conflict("The app was authorized concurrently; try again") from None

    async def find_for(self, connect_app_sid: str, customer: AccountSid) -> Authorization | None:
        return await self._one(
            ConnectAuthorizationRow.connect_app_sid == connect_app_sid,
            ConnectAuthorizationRow.customer_account_sid == customer,
        )

    async def find_by_subaccount(self, subaccount_sid: AccountSid) -> Authorization | None:
        return await self._one(ConnectAuthorizationRow.subaccount_sid == subaccount_sid)

    async def _one(self, *where: ColumnElement[bool]) -> Authorization | None:
        """The authorization matching `where` (each lookup is on a unique key), or None."""
        row = await self._session.scalar(select(ConnectAuthorizationRow).where(*where))
        return None if row is None else self.to_domain(row)

    async def for_app(self, connect_app_sid: str) -> Sequence[Authorization]:
        rows = await self._session.scalars(
            select(ConnectAuthorizationRow)
            .where(ConnectAuthorizationRow.connect_app_sid == connect_app_sid)
            .order_by(ConnectAuthorizationRow.seq)
        )
        return [self.to_domain(r) for r in rows]

    async def active_page(self, customer: AccountSid, page: PageRequest) -> Page[Authorization]:
        """A customer's active authorizations (AuthorizedConnectApps), oldest first."""
        query = select(ConnectAuthorizationRow).where(
            ConnectAuthorizationRow.customer_account_sid == customer,
            ConnectAuthorizationRow.status == AuthorizationStatus.ACTIVE.value,
        )
        return await self.page(query, page)
