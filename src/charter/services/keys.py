"""API key use cases: create (secret shown once), list, fetch, update, delete."""

from __future__ import annotations

from charter.domain import keys as rules
from charter.domain.clock import Clock
from charter.domain.models import Account, APIKey, KeyType
from charter.domain.ownership import owned
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import UnitOfWorkFactory
from charter.security import digest, new_key_secret


class KeyService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create(
        self,
        account: Account,
        friendly_name: str | None,
        key_type: KeyType = KeyType.STANDARD,
        policy: tuple[str, ...] | None = None,
    ) -> tuple[APIKey, str]:
        """A new key of `account` and its secret, which is never shown again."""
        secret = new_key_secret()
        key = rules.new_api_key(
            account, friendly_name, key_type, policy, digest(secret), self._clock.now()
        )
        async with self._uow() as uow:
            await uow.keys.add(key)
            await uow.changes.record("key", key.sid)
            await uow.commit()
        return key, secret

    async def get(self, account: Account, sid: str) -> APIKey:
        """The key `sid` of `account`; `NotFound` for keys of any other account."""
        async with self._uow() as uow:
            key = await uow.keys.find(sid)
        return owned(key, account.sid, "Key", sid)

    async def find(self, sid: str) -> APIKey | None:
        async with self._uow() as uow:
            return await uow.keys.find(sid)

    async def list_keys(self, account: Account, page: PageRequest) -> Page[APIKey]:
        async with self._uow() as uow:
            return await uow.keys.list_page(account.sid, page)

    async def update(
        self,
        account: Account,
        sid: str,
        friendly_name: str | None,
        policy: tuple[str, ...] | None = None,
    ) -> APIKey:
        key = await self.get(account, sid)
        updated = rules.update_api_key(key, friendly_name, policy, self._clock.now())
        if updated is not key:
            async with self._uow() as uow:
                await uow.keys.update(updated)
                await uow.changes.record("key", key.sid)
                await uow.commit()
        return updated

    async def delete(self, account: Account, sid: str) -> None:
        """Delete the key; it stops authenticating at once (on other instances, via the feed)."""
        key = await self.get(account, sid)
        async with self._uow() as uow:
            await uow.keys.delete(key.sid)
            await uow.changes.record("key", key.sid)
            await uow.commit()
