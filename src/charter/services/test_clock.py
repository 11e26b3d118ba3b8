"""The test clock (development only, `CHARTER_TEST_CLOCK=1`): advance "now" on every instance.

The offset lives in the database. Advancing adds to it in one transaction that also records a
change-feed row `("clock", "<new offset>")`; every instance applies such rows as the feed brings
them (at once on this one, through NOTIFY or the next poll on the others) and loads the offset
when it starts. Offsets only grow, so the order rows arrive in does not matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from charter.domain.clock import MAX_OFFSET_SECONDS, TestClock, check_advance
from charter.domain.errors import InvalidParameter
from charter.domain.ports import UnitOfWorkFactory

CHANGE_ENTITY = "clock"


class TestClockService:
    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, uow: UnitOfWorkFactory, clock: TestClock) -> None:
        self._uow = uow
        self.clock = clock

    async def load(self) -> None:
        """Adopt the offset kept in the database (at start-up)."""
        async with self._uow.read() as uow:
            self.clock.apply(await uow.test_clock.offset())

    async def advance(self, seconds: float) -> datetime:
        """Move "now" forward by `seconds` on every instance and return the new now.

        Raises `InvalidParameter` for a negative or non-finite step, or one that would take the
        clock more than a century ahead.
        """
        check_advance(seconds)
        async with self._uow() as uow:
            offset = await uow.test_clock.advance(seconds, self.clock.now(), MAX_OFFSET_SECONDS)
            if offset is None:
                raise InvalidParameter(
                    f"The test clock cannot run more than {MAX_OFFSET_SECONDS:.0f} seconds ahead"
                )
            await uow.changes.record(CHANGE_ENTITY, repr(offset))
            await uow.commit()
        self.clock.apply(offset)
        return self.clock.now()

    def apply_changes(self, changes: Sequence[tuple[str, str]]) -> None:
        """Change-feed listener: adopt any offset the feed announces."""
        for entity, key in changes:
            if entity == CHANGE_ENTITY:
                self.clock.apply(float(key))
