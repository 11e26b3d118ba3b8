"""The audit event log (Twilio's Monitor Events)."""

from __future__ import annotations

import json

from sqlalchemy import select

from charter.domain.events import Actor, AuditEvent
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import EventFilter
from charter.storage.sid_repo import SidRepo
from charter.storage.tables import EventRow


class SQLEventLog(SidRepo[AuditEvent]):
    row = EventRow

    def to_domain(self, row: EventRow) -> AuditEvent:
        return AuditEvent(
            sid=row.sid,
            account_sid=row.account_sid,
            event_type=row.event_type,
            resource_type=row.resource_type,
            resource_sid=row.resource_sid,
            actor=Actor(row.actor_type, row.actor_sid, row.source, row.source_ip_address),
            event_date=row.event_date,
            description=row.description,
            event_data=json.loads(row.event_data),
        )

    def values(self, event: AuditEvent) -> dict[str, object]:
        return {
            "account_sid": event.account_sid,
            "event_type": event.event_type,
            "resource_type": event.resource_type,
            "resource_sid": event.resource_sid,
            "actor_type": event.actor.type,
            "actor_sid": event.actor.sid,
            "source": event.actor.source,
            "source_ip_address": event.actor.ip_address,
            "description": event.description,
            "event_data": json.dumps(dict(event.event_data), sort_keys=True),
            "event_date": event.event_date,
        }

    async def list_page(self, where: EventFilter, page: PageRequest) -> Page[AuditEvent]:
        """Newest first, as Twilio's Monitor lists them."""
        query = select(EventRow).where(EventRow.account_sid == where.account_sid)
        if where.event_type is not None:
            query = query.where(EventRow.event_type == where.event_type)
        if where.resource_sid is not None:
            query = query.where(EventRow.resource_sid == where.resource_sid)
        if where.actor_sid is not None:
            query = query.where(EventRow.actor_sid == where.actor_sid)
        if where.source_ip_address is not None:
            query = query.where(EventRow.source_ip_address == where.source_ip_address)
        if where.start is not None:
            query = query.where(EventRow.event_date >= where.start)
        if where.end is not None:
            query = query.where(EventRow.event_date < where.end)
        return await self.page(query, page, newest_first=True)
