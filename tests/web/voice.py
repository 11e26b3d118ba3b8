"""Helpers for the voice API tests: an account with a number, calls placed and inspected."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from charter.domain.models import Account
from charter.storage.tables import OutboxRow
from tests.factories import make_account, runtime

DOCS = "https://www.twilio.com/docs/errors"
TO = "+14155550100"
URL = "https://example.com/twiml"
HOOK = "https://example.com/status"


def basic(account: Account) -> tuple[str, str]:
    return (account.sid, account.auth_token)


def base(account: Account) -> str:
    return f"/2010-04-01/Accounts/{account.sid}"


def buy_number(client: TestClient, account: Account) -> Any:
    r = client.post(
        f"{base(account)}/IncomingPhoneNumbers.json", data={"AreaCode": "415"}, auth=basic(account)
    )
    assert r.status_code == 201, r.text
    return r.json()


def setup_account(client: TestClient, **kwargs: Any) -> tuple[Account, str]:
    account = make_account(client, **kwargs)
    return account, buy_number(client, account)["phone_number"]


def place(client: TestClient, account: Account, from_: str, **form: Any) -> Any:
    data = {k: v for k, v in {"To": TO, "From": from_, "Url": URL, **form}.items() if v is not None}
    r = client.post(f"{base(account)}/Calls.json", data=data, auth=basic(account))
    assert r.status_code == 201, r.text
    return r.json()


def fetch_call(client: TestClient, account: Account, sid: str) -> Any:
    r = client.get(f"{base(account)}/Calls/{sid}.json", auth=basic(account))
    assert r.status_code == 200, r.text
    return r.json()


def update_call(client: TestClient, account: Account, sid: str, **form: str) -> Any:
    return client.post(f"{base(account)}/Calls/{sid}.json", data=form, auth=basic(account))


def balance(client: TestClient, account: Account) -> str:
    body = client.get(f"{base(account)}/Balance.json", auth=basic(account)).json()
    return str(body["balance"])


def list_sids(client: TestClient, account: Account, **params: Any) -> list[str]:
    r = client.get(f"{base(account)}/Calls.json", params=params, auth=basic(account))
    assert r.status_code == 200, r.text
    return [c["sid"] for c in r.json()["calls"]]


def outbox(client: TestClient, subject_sid: str) -> list[dict[str, Any]]:
    """The outbox rows about `subject_sid`, in delivery order."""
    engine = runtime(client).uow.engine

    async def read() -> list[dict[str, Any]]:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(OutboxRow)
                .where(OutboxRow.subject_sid == subject_sid)
                .order_by(OutboxRow.not_before, OutboxRow.id)
            )
            return [dict(r._mapping) for r in rows]

    assert client.portal is not None
    return client.portal.call(read)
