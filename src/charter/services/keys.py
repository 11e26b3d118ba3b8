"""API key use cases: create (secret shown once), list, fetch, update, delete.

Each change records one audit event in its transaction: `api-keys.created`, `.updated`, `.deleted`.
"""

from __future__ import annotations

from charter.domain import keys as rules
from charter.domain.clock import Clock
from charter.domain.events import Actor, audit_event, changes
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
        *,
        actor: Actor,
    ) -> tuple[APIKey, str]:
        """A new key of `account` and its secret, which is never shown again."""
        secret = new_key_secret()
        now = self._clock.now()
        key = rules.new_api_key(account, friendly_name, key_type, policy, digest(secret), now)
        data: dict[str, object] = {
            "friendly_name": key.friendly_name,
            "key_type": key.key_type.value,
        }
        if key.policy is not None:
            data["policy"] = list(key.policy)
        event = audit_event(
            key.account_sid, "api-keys.created", key.sid, actor, now, "API key created", data
        )
        async with self._uow() as uow:
            await uow.keys.add(key)
            await uow.changes.record("key", key.sid)
            await uow.events.add(event)
            await uow.commit()
        return key, secret

    async def get(self, account: Account, sid: str) -> APIKey:
        """The key `sid` of `account`; `NotFound` for keys of any other account."""
        async with self._uow.read() as uow:
            key = await uow.keys.find(sid)
        return owned(key, account.sid, "Key", sid)

    async def find(self, sid: str) -> APIKey | None:
        async with self._uow.read() as uow:
            return await uow.keys.find(sid)

    async def list_keys(self, account: Account, page: PageRequest) -> Page[APIKey]:
        async with self._uow.read() as uow:
            return await uow.keys.list_page(account.sid, page)

    async def update(
        self,
        account: Account,
        sid: str,
        friendly_name: str | None,
        policy: tuple[str, ...] | None = None,
        *,
        actor: Actor,
    ) -> APIKey:
        """Rename the key or replace its policy; a request that changes nothing records nothing."""
        key = await self.get(account, sid)
        now = self._clock.now()
        updated = rules.update_api_key(key, friendly_name, policy, now)
        if updated is not key:
            data = changes(key, updated, "friendly_name", "policy")
            event = audit_event(
                key.account_sid, "api-keys.updated", key.sid, actor, now, "API key updated", data
            )
            async with self._uow() as uow:
                await uow.keys.update(updated)
                await uow.changes.record("key", key.sid)
                await uow.events.add(event)
                await uow.commit()
        return updated

    async def delete(self, account: Account, sid: str, *, actor: Actor) -> None:
        """Delete the key; it stops authenticating at once (on other instances, via the feed)."""
        key = await self.get(account, sid)
        data = {"friendly_name": key.friendly_name, "key_type": key.key_type.value}
        now = self._clock.now()
        event = audit_event(
            key.account_sid, "api-keys.deleted", key.sid, actor, now, "API key deleted", data
        )
        async with self._uow() as uow:
            await uow.keys.delete(key.sid)
            await uow.changes.record("key", key.sid)
            await uow.events.add(event)
            await uow.commit()
