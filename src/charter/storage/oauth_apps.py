"""OAuth apps and their secrets."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import delete, select, update

from charter.domain.ids import AccountSid
from charter.domain.oauth_apps import AppSecret, AppStatus, OAuthApp, Policy
from charter.domain.paging import Page, PageRequest
from charter.storage.sid_repo import SidRepo
from charter.storage.tables import OAuthAppRow, OAuthAppSecretRow


class SQLOAuthAppRepo(SidRepo[OAuthApp]):
    row = OAuthAppRow

    def to_domain(self, row: OAuthAppRow) -> OAuthApp:
        policy = json.loads(row.policy)
        return OAuthApp(
            sid=row.sid,
            account_sid=AccountSid(row.account_sid),
            type=row.type,
            friendly_name=row.friendly_name,
            description=row.description,
            company_name=row.company_name,
            logo_url=row.logo_url,
            homepage_url=row.homepage_url,
            terms_url=row.terms_url,
            policy=Policy(tuple(policy["allow"]), tuple(policy["deny"])),
            access_token_ttl=row.access_token_ttl,
            status=AppStatus(row.status),
            created_by=row.created_by,
            secret_version=row.secret_version,
            date_created=row.date_created,
            date_updated=row.date_updated,
        )

    def values(self, app: OAuthApp) -> dict[str, object]:
        return {
            "account_sid": app.account_sid,
            "type": app.type,
            "friendly_name": app.friendly_name,
            "description": app.description,
            "company_name": app.company_name,
            "logo_url": app.logo_url,
            "homepage_url": app.homepage_url,
            "terms_url": app.terms_url,
            "policy": json.dumps({"allow": list(app.policy.allow), "deny": list(app.policy.deny)}),
            "access_token_ttl": app.access_token_ttl,
            "status": app.status.value,
            "created_by": app.created_by,
            "secret_version": app.secret_version,
            "date_created": app.date_created,
            "date_updated": app.date_updated,
        }

    def update_values(self, app: OAuthApp) -> dict[str, object]:
        """`update` writes `app`'s settings over its row, leaving `secret_version` alone: only
        `bump_secret_version` moves it, so an update racing a rotation cannot roll it back."""
        values = self.values(app)
        del values["secret_version"]
        return values

    async def list_page(self, account_sid: AccountSid, page: PageRequest) -> Page[OAuthApp]:
        return await self.page(
            select(OAuthAppRow).where(OAuthAppRow.account_sid == account_sid), page
        )

    async def bump_secret_version(self, sid: str, expected: int) -> bool:
        """Compare-and-set of `secret_version`: True when this caller won the rotation."""
        result = await self._session.execute(
            update(OAuthAppRow)
            .where(OAuthAppRow.sid == sid, OAuthAppRow.secret_version == expected)
            .values(secret_version=expected + 1)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def secrets(self, app_sid: str) -> Sequence[AppSecret]:
        rows = await self._session.scalars(
            select(OAuthAppSecretRow)
            .where(OAuthAppSecretRow.app_sid == app_sid)
            .order_by(OAuthAppSecretRow.created_at)
        )
        return [AppSecret(r.id, r.app_sid, r.digest, r.created_at, r.expires_at) for r in rows]

    async def save_secret(self, secret: AppSecret) -> None:
        """Insert `secret`, or write its `expires_at` if it exists."""
        updated = await self._session.execute(
            update(OAuthAppSecretRow)
            .where(OAuthAppSecretRow.id == secret.id)
            .values(expires_at=secret.expires_at)
        )
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            self._session.add(
                OAuthAppSecretRow(
                    id=secret.id,
                    app_sid=secret.app_sid,
                    digest=secret.digest,
                    created_at=secret.created_at,
                    expires_at=secret.expires_at,
                )
            )
            await self._session.flush()

    async def delete_secrets(self, ids: Sequence[str]) -> None:
        if ids:
            await self._session.execute(
                delete(OAuthAppSecretRow).where(OAuthAppSecretRow.id.in_(list(ids)))
            )

    async def delete(self, sid: str) -> None:
        await self._session.execute(
            delete(OAuthAppSecretRow).where(OAuthAppSecretRow.app_sid == sid)
        )
        await super().delete(sid)
