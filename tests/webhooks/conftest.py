"""Database fixtures for the worker tests: a unit of work on the test database and an account."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from charter.domain import accounts as rules
from charter.domain.clock import FixedClock
from charter.domain.models import Account, AccountType
from charter.security import Cipher
from charter.storage.engine import make_engine
from charter.storage.unit_of_work import SQLUnitOfWorkFactory

KEY = bytes(range(32))
ACCOUNT_TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow(engine: AsyncEngine, clock: FixedClock) -> SQLUnitOfWorkFactory:
    return SQLUnitOfWorkFactory(engine, Cipher(KEY), clock)


@pytest.fixture
async def account(uow: SQLUnitOfWorkFactory, clock: FixedClock) -> Account:
    account = rules.new_main_account("Hooks", AccountType.FULL, ACCOUNT_TOKEN, clock.now())
    async with uow() as tx:
        await tx.accounts.add(account)
        await tx.commit()
    return account
