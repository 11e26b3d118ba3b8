"""Audit event use cases: fetch and list one account's events (Twilio's Monitor Events).

Events are written by the services whose changes they describe, in the same transaction; this
service only reads them. Each credential sees the events of its own account: a main account's log
holds its own changes and those made to its subaccounts as resources (creation, renames, status),
a subaccount's log holds its own keys and auth tokens.
"""

from __future__ import annotations

from charter.domain.events import AuditEvent
from charter.domain.ownership import owned
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import EventFilter, UnitOfWorkFactory


class EventService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def get(self, account_sid: str, sid: str) -> AuditEvent:
        """The event `sid` of `account_sid`; `NotFound` for any other account's event."""
        async with self._uow.read() as uow:
            event = await uow.events.find(sid)
        return owned(event, account_sid, "Event", sid)

    async def list_events(self, where: EventFilter, page: PageRequest) -> Page[AuditEvent]:
        """One page of `where.account_sid`'s events, newest first."""
        async with self._uow.read() as uow:
            return await uow.events.list_page(where, page)
