"""SQL repositories for the simulated communications resources: numbers and messages."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select

from charter.domain.messaging import SENT_AFTER, Message
from charter.domain.numbers import PhoneNumber
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import MessageFilter, NumberFilter
from charter.storage.sid_repo import SidRepo
from charter.storage.tables import MessageRow, PhoneNumberRow


class SQLNumberRepo(SidRepo[PhoneNumber]):
    row = PhoneNumberRow

    def to_domain(self, row: PhoneNumberRow) -> PhoneNumber:
        return PhoneNumber(
            sid=row.sid,
            account_sid=row.account_sid,
            phone_number=row.phone_number,
            friendly_name=row.friendly_name,
            iso_country=row.iso_country,
            number_type=row.number_type,
            config=json.loads(row.config),
            date_created=row.date_created,
            date_updated=row.date_updated,
        )

    def values(self, n: PhoneNumber) -> dict[str, object]:
        return {
            "account_sid": n.account_sid,
            "phone_number": n.phone_number,
            "friendly_name": n.friendly_name,
            "iso_country": n.iso_country,
            "number_type": n.number_type,
            "config": json.dumps(n.config, sort_keys=True),
            "date_created": n.date_created,
            "date_updated": n.date_updated,
        }

    async def find_by_number(self, phone_number: str) -> PhoneNumber | None:
        row = await self._session.scalar(
            select(PhoneNumberRow).where(PhoneNumberRow.phone_number == phone_number)
        )
        return None if row is None else self.to_domain(row)

    async def owned(self, phone_numbers: Sequence[str]) -> set[str]:
        if not phone_numbers:
            return set()
        rows = await self._session.scalars(
            select(PhoneNumberRow.phone_number).where(
                PhoneNumberRow.phone_number.in_(list(phone_numbers))
            )
        )
        return set(rows)

    async def list_page(self, where: NumberFilter, page: PageRequest) -> Page[PhoneNumber]:
        query = select(PhoneNumberRow).where(PhoneNumberRow.account_sid == where.account_sid)
        if where.phone_number is not None:
            query = query.where(PhoneNumberRow.phone_number == where.phone_number)
        if where.friendly_name is not None:
            query = query.where(PhoneNumberRow.friendly_name == where.friendly_name)
        return await self.page(query, page)


class SQLMessageRepo(SidRepo[Message]):
    row = MessageRow

    def to_domain(self, row: MessageRow) -> Message:
        return Message(
            sid=row.sid,
            account_sid=row.account_sid,
            from_=row.from_number,
            to=row.to_number,
            body=row.body,
            num_segments=row.num_segments,
            media_urls=tuple(json.loads(row.media_urls)),
            status=row.status,
            price_units=row.price_units,
            status_callback=row.status_callback,
            date_created=row.date_created,
            date_updated=row.date_updated,
        )

    def values(self, m: Message) -> dict[str, object]:
        return {
            "account_sid": m.account_sid,
            "from_number": m.from_,
            "to_number": m.to,
            "body": m.body,
            "num_segments": m.num_segments,
            "media_urls": json.dumps(list(m.media_urls)),
            "status": m.status,
            "price_units": m.price_units,
            "status_callback": m.status_callback,
            "date_created": m.date_created,
            "date_updated": m.date_updated,
        }

    async def list_page(self, where: MessageFilter, page: PageRequest) -> Page[Message]:
        query = select(MessageRow).where(MessageRow.account_sid == where.account_sid)
        if where.to is not None:
            query = query.where(MessageRow.to_number == where.to)
        if where.from_ is not None:
            query = query.where(MessageRow.from_number == where.from_)
        # date_sent is date_created + SENT_AFTER on the simulated timeline (canceled: never sent)
        if where.sent_after is not None or where.sent_before is not None:
            query = query.where(MessageRow.status != "canceled")
        if where.sent_after is not None:
            query = query.where(MessageRow.date_created >= where.sent_after - SENT_AFTER)
        if where.sent_before is not None:
            query = query.where(MessageRow.date_created < where.sent_before - SENT_AFTER)
        return await self.page(query, page, newest_first=True)
