"""SQL implementations of the domain's repository protocols (`charter.domain.ports`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from charter.domain.ids import AccountSid, UserSid
from charter.domain.models import (
    Account,
    AccountStatus,
    AccountType,
    APIKey,
    KeyType,
    Membership,
    Role,
    User,
)
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import AccountFilter
from charter.security import Cipher
from charter.storage.sid_repo import SidRepo, paginate
from charter.storage.tables import AccountRow, APIKeyRow, ChangeRow, MembershipRow, UserRow


def _token_context(sid: str, column: str) -> str:
    return f"accounts.{column}:{sid}"


class SQLAccountRepo:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def _to_domain(self, row: AccountRow) -> Account:
        secondary = row.secondary_auth_token_enc
        return Account(
            sid=AccountSid(row.sid),
            owner_account_sid=AccountSid(row.owner_account_sid),
            friendly_name=row.friendly_name,
            type=AccountType(row.type),
            status=AccountStatus(row.status),
            auth_token=self._cipher.decrypt(
                row.auth_token_enc, _token_context(row.sid, "auth_token")
            ),
            secondary_auth_token=None
            if secondary is None
            else self._cipher.decrypt(secondary, _token_context(row.sid, "secondary_auth_token")),
            secondary_auth_token_created=row.secondary_auth_token_created,
            date_created=row.date_created,
            date_updated=row.date_updated,
        )

    def _values(self, account: Account) -> dict[str, object]:
        secondary = account.secondary_auth_token
        return {
            "owner_account_sid": account.owner_account_sid,
            "friendly_name": account.friendly_name,
            "type": account.type.value,
            "status": account.status.value,
            "auth_token_enc": self._cipher.encrypt(
                account.auth_token, _token_context(account.sid, "auth_token")
            ),
            "secondary_auth_token_enc": None
            if secondary is None
            else self._cipher.encrypt(
                secondary, _token_context(account.sid, "secondary_auth_token")
            ),
            "secondary_auth_token_created": account.secondary_auth_token_created,
            "date_created": account.date_created,
            "date_updated": account.date_updated,
        }

    async def find(self, sid: AccountSid) -> Account | None:
        row = await self._session.scalar(select(AccountRow).where(AccountRow.sid == sid))
        return None if row is None else self._to_domain(row)

    async def add(self, account: Account) -> None:
        self._session.add(AccountRow(sid=account.sid, **self._values(account)))
        await self._session.flush()

    async def update(self, account: Account) -> None:
        await self._session.execute(
            update(AccountRow).where(AccountRow.sid == account.sid).values(**self._values(account))
        )

    async def list_all(self) -> Sequence[Account]:
        rows = await self._session.scalars(select(AccountRow).order_by(AccountRow.seq))
        return [self._to_domain(r) for r in rows]

    async def list_page(self, where: AccountFilter, page: PageRequest) -> Page[Account]:
        query = select(AccountRow)
        if where.include_subaccounts:
            query = query.where(AccountRow.owner_account_sid == where.root)
        else:
            query = query.where(AccountRow.sid == where.root)
        if where.friendly_name is not None:
            query = query.where(AccountRow.friendly_name == where.friendly_name)
        if where.status is not None:
            query = query.where(AccountRow.status == where.status.value)
        rows, has_next, has_prev = await paginate(self._session, query, AccountRow, page)
        return Page([self._to_domain(r) for r in rows], has_next, has_prev)


class SQLKeyRepo(SidRepo[APIKey]):
    row = APIKeyRow

    def to_domain(self, row: APIKeyRow) -> APIKey:
        return APIKey(
            sid=row.sid,
            account_sid=AccountSid(row.account_sid),
            friendly_name=row.friendly_name,
            key_type=KeyType(row.key_type),
            policy=None if row.policy is None else tuple(json.loads(row.policy)),
            secret_digest=row.secret_digest,
            date_created=row.date_created,
            date_updated=row.date_updated,
        )

    def values(self, key: APIKey) -> dict[str, object]:
        return {
            "account_sid": key.account_sid,
            "friendly_name": key.friendly_name,
            "key_type": key.key_type.value,
            "policy": None if key.policy is None else json.dumps(list(key.policy)),
            "secret_digest": key.secret_digest,
            "date_created": key.date_created,
            "date_updated": key.date_updated,
        }

    async def list_page(self, account_sid: AccountSid, page: PageRequest) -> Page[APIKey]:
        query = select(APIKeyRow).where(APIKeyRow.account_sid == account_sid)
        return await self.page(query, page)


class SQLUserRepo:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, sid: str) -> User | None:
        row = await self._session.scalar(select(UserRow).where(UserRow.sid == sid))
        if row is None:
            return None
        return User(UserSid(row.sid), row.email, row.password_hash, row.date_created)

    async def find_by_email(self, email: str) -> User | None:
        row = await self._session.scalar(select(UserRow).where(UserRow.email == email.lower()))
        if row is None:
            return None
        return User(UserSid(row.sid), row.email, row.password_hash, row.date_created)

    async def add(self, user: User) -> None:
        self._session.add(
            UserRow(
                sid=user.sid,
                email=user.email.lower(),
                password_hash=user.password_hash,
                date_created=user.date_created,
            )
        )
        await self._session.flush()

    async def add_membership(self, membership: Membership) -> None:
        self._session.add(
            MembershipRow(
                user_sid=membership.user_sid,
                account_sid=membership.account_sid,
                role=membership.role.value,
            )
        )
        await self._session.flush()

    async def memberships(self, user: User) -> Sequence[Membership]:
        rows = await self._session.scalars(
            select(MembershipRow).where(MembershipRow.user_sid == user.sid)
        )
        return [
            Membership(UserSid(r.user_sid), AccountSid(r.account_sid), Role(r.role)) for r in rows
        ]


NOTIFY_CHANNEL = "charter_changes"


class SQLChangeFeed:
    """Writes change rows; on PostgreSQL also NOTIFYs listeners when the transaction commits."""

    def __init__(self, session: AsyncSession, now: datetime, is_postgres: bool) -> None:
        self._session = session
        self._now = now
        self._is_postgres = is_postgres
        self.keys: list[tuple[str, str]] = []

    async def record(self, entity: str, key: str) -> None:
        self._session.add(ChangeRow(entity=entity, key=key, created_at=self._now))
        self.keys.append((entity, key))
        if self._is_postgres:
            await self._session.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": NOTIFY_CHANNEL, "payload": f"{entity}:{key}"},
            )


async def changes_since(session: AsyncSession, last_id: int) -> list[tuple[int, str, str]]:
    """Change-feed rows after `last_id`, oldest first."""
    rows = await session.execute(
        select(ChangeRow.id, ChangeRow.entity, ChangeRow.key)
        .where(ChangeRow.id > last_id)
        .order_by(ChangeRow.id)
        .limit(10_000)
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def latest_change_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(ChangeRow.id), 0))) or 0)
