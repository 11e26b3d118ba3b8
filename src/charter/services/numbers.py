"""Phone-number use cases: search available numbers, buy (charged), update, transfer, release."""

from __future__ import annotations

import dataclasses
from itertools import islice

from charter.domain import numbers as rules
from charter.domain.clock import Clock
from charter.domain.errors import InvalidParameter
from charter.domain.ids import new_sid
from charter.domain.messaging import MessageError
from charter.domain.models import Account, Principal
from charter.domain.numbers import AvailableNumber, PhoneNumber
from charter.domain.ownership import owned
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import NumberFilter, UnitOfWork, UnitOfWorkFactory
from charter.services.billing import BillingService

_TYPES = {"local": "Local", "mobile": "Mobile", "tollfree": "TollFree"}


class NumberService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, billing: BillingService) -> None:
        self._uow = uow
        self._clock = clock
        self._billing = billing

    async def available(
        self, iso: str, kind: str, area_code: str | None, contains: str | None, limit: int
    ) -> list[AvailableNumber]:
        """Up to `limit` numbers nobody owns, in the fixed order of the simulated inventory."""
        pattern = rules.contains_pattern(contains) if contains else None
        found: list[AvailableNumber] = []
        stream = rules.candidates(iso, kind, area_code)
        async with self._uow.read() as uow:
            for _ in range(40):  # bounded scan: at most 40 batches of 50 candidates
                batch = [
                    c
                    for c in islice(stream, 50)
                    if pattern is None or pattern.search(c.phone_number)
                ]
                if not batch and pattern is None:
                    break
                owned = await uow.numbers.owned([c.phone_number for c in batch])
                found += [c for c in batch if c.phone_number not in owned]
                if len(found) >= limit:
                    break
        return found[:limit]

    async def buy(
        self,
        principal: Principal,
        account: Account,
        phone_number: str | None,
        area_code: str | None,
        friendly_name: str | None,
        config: dict[str, str | None],
        required_type: str | None = None,
    ) -> PhoneNumber:
        """Buy a number for `account`, charging its first month to the main account."""
        if (phone_number is None) == (area_code is None):
            raise MessageError(21451, "Exactly one of PhoneNumber or AreaCode is required")
        if phone_number is None:
            assert area_code is not None  # noqa: S101 - checked above
            choices = await self.available("US", "Local", area_code, None, 1)
            if not choices:
                raise MessageError(21452, f"No phone numbers found in area code {area_code}")
            phone_number = choices[0].phone_number
        rules.check_e164(phone_number)
        iso = rules.country_of(phone_number)
        if iso is None:
            raise MessageError(21421, f"PhoneNumber {phone_number} is invalid")
        kind = rules.number_type(phone_number)
        if required_type is not None and kind != required_type:
            raise MessageError(
                21422, f"PhoneNumber {phone_number} is not a {_TYPES[required_type]} number"
            )
        now = self._clock.now()
        number = PhoneNumber(
            sid=new_sid("PN"),
            account_sid=account.sid,
            phone_number=phone_number,
            friendly_name=rules.formatted(phone_number) if friendly_name is None else friendly_name,
            iso_country=iso,
            number_type=kind,
            config=config,
            date_created=now,
            date_updated=now,
        )
        price = self._billing.prices.number_month(kind)
        async with self._uow() as uow:
            if await uow.numbers.find_by_number(phone_number) is not None:
                raise MessageError(21422, f"PhoneNumber {phone_number} is not available")
            await uow.numbers.add(number)
            await uow.ledger.charge(
                self._billing.entry(
                    account, "phonenumbers", price, 1, number.sid, principal.credential_id,
                    f"Phone number {phone_number}, first month",
                )
            )  # fmt: skip
            await uow.commit()
        return number

    async def get(self, account: Account, sid: str) -> PhoneNumber:
        async with self._uow.read() as uow:
            number = await uow.numbers.find(sid)
        return owned(number, account.sid, "IncomingPhoneNumber", sid)

    async def list_numbers(self, where: NumberFilter, page: PageRequest) -> Page[PhoneNumber]:
        async with self._uow.read() as uow:
            return await uow.numbers.list_page(where, page)

    async def update(
        self,
        account: Account,
        sid: str,
        friendly_name: str | None,
        config: dict[str, str | None],
        new_owner: Account | None,
    ) -> PhoneNumber:
        """Change a number's settings, or move it to another account of the same main account."""
        number = await self.get(account, sid)
        changes: dict[str, object] = {"config": {**number.config, **config}}
        if friendly_name is not None:
            if len(friendly_name) > 64:
                raise InvalidParameter("FriendlyName must be at most 64 characters")
            changes["friendly_name"] = friendly_name
        if new_owner is not None:
            if new_owner.main_account_sid != account.main_account_sid:
                raise InvalidParameter("Numbers can only move between accounts of one main account")
            changes["account_sid"] = new_owner.sid
        updated = dataclasses.replace(number, date_updated=self._clock.now(), **changes)  # type: ignore[arg-type]
        async with self._uow() as uow:
            await uow.numbers.update(updated)
            await uow.commit()
        return updated

    async def release(self, account: Account, sid: str) -> None:
        number = await self.get(account, sid)
        async with self._uow() as uow:
            await uow.numbers.delete(number.sid)
            await uow.commit()


async def sender_number(uow: UnitOfWork, account: Account, phone_number: str) -> PhoneNumber | None:
    """`phone_number` if `account` owns it, read in the sender's own transaction (so a number
    released concurrently cannot still send)."""
    number = await uow.numbers.find_by_number(phone_number)
    return number if number is not None and number.account_sid == account.sid else None
