"""The webhook delivery log: what became of each callback an account's events queued.

Deliveries are listed under the account the outbox row was queued for, which is the account
whose auth token signs it: the resource's account for status callbacks, the Connect app's
developer for deauthorization callbacks. Events scheduled on the simulated timeline (a message's
later statuses) appear once their moment has come. Delivery itself is `charter.webhooks`.
"""

from __future__ import annotations

from charter.domain.clock import Clock
from charter.domain.ownership import owned
from charter.domain.paging import Page, PageRequest
from charter.domain.ports import UnitOfWorkFactory
from charter.domain.webhooks import WebhookDelivery


class WebhookService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def deliveries(self, account_sid: str, page: PageRequest) -> Page[WebhookDelivery]:
        """One page of `account_sid`'s deliveries, newest first, each with its attempts."""
        async with self._uow.read() as uow:
            return await uow.outbox.list_deliveries(account_sid, self._clock.now(), page)

    async def get(self, account_sid: str, event_id: str) -> WebhookDelivery:
        """The delivery of event `event_id`; `NotFound` unless it is `account_sid`'s and its
        moment has come."""
        async with self._uow.read() as uow:
            delivery = await uow.outbox.find_delivery(event_id)
        if delivery is not None and delivery.date_created > self._clock.now():
            delivery = None
        return owned(delivery, account_sid, "WebhookDelivery", event_id)
