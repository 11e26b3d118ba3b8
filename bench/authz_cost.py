"""The cost of authentication and authorization per request, measured in-process on one core.

    python bench/authz_cost.py [--quick]

Builds a real Charter app on a fresh SQLite file, seeds an account, a standard key and a
restricted key, then times (best of 5 rounds) each step an authenticated request pays before its
handler runs: decoding the Basic header, the credential check against the in-memory directory,
the permission decision and the account-in-the-path check, and for comparison a whole request
through the ASGI app with and without credentials. Prints a Markdown table (microseconds).
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from charter.domain.events import SYSTEM
from charter.domain.models import KeyType
from charter.domain.permissions import MESSAGES, authorize
from charter.settings import Settings
from charter.storage.migrate import upgrade
from charter.web.app import create_app
from charter.web.routing import parse_basic

ROUND = 0.15 if "--quick" in sys.argv else 0.5


async def best_us(fn: Callable[[], Awaitable[Any]]) -> float:
    await fn()
    best = float("inf")
    for _ in range(5):
        n, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < ROUND:
            await fn()
            n += 1
        best = min(best, elapsed / n * 1e6)
    return best


def sync(fn: Callable[[], Any]) -> Callable[[], Awaitable[Any]]:
    async def wrapper() -> Any:
        return fn()

    return wrapper


async def main(url: str) -> None:
    app = create_app(Settings(database_url=url))
    rt = app.state.runtime
    await rt.start()
    account, _ = await rt.accounts.create_main_account("Bench")
    standard, standard_secret = await rt.keys.create(account, "standard", actor=SYSTEM)
    policy = ("/twilio/messaging/messages/list",)
    restricted, restricted_secret = await rt.keys.create(
        account, "restricted", key_type=KeyType.RESTRICTED, policy=policy, actor=SYSTEM
    )

    def header(user: str, secret: str) -> str:
        return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()

    creds = {
        "auth token": (account.sid, account.auth_token),
        "standard key": (standard.sid, standard_secret),
        "restricted key": (restricted.sid, restricted_secret),
    }
    rows: list[tuple[str, float]] = []
    rows.append(
        (
            "decode Basic header",
            await best_us(sync(lambda: parse_basic(header(*creds["auth token"])))),
        )
    )
    principals = {}
    for name, (user, secret) in creds.items():
        principals[name] = await rt.authenticator.basic(user, secret, "127.0.0.1")
        rows.append(
            (
                f"credential check: {name}",
                await best_us(lambda u=user, s=secret: rt.authenticator.basic(u, s, "127.0.0.1")),
            )
        )
    for name, principal in principals.items():
        rows.append(
            (
                f"permission decision: {name}",
                await best_us(sync(lambda p=principal: authorize(p, MESSAGES["list"]))),
            )
        )
    principal = principals["auth token"]
    rows.append(
        (
            "account-in-path check",
            await best_us(lambda: rt.accounts.resolve(principal, account.sid)),
        )
    )

    async def request(path: str, auth: str | None) -> None:
        headers = [(b"host", b"bench")]
        if auth:
            headers.append((b"authorization", auth.encode()))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": b"", "root_path": "", "headers": headers,
                 "client": ("127.0.0.1", 9), "server": ("bench", 80)}  # fmt: skip

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            return None

        await app(scope, receive, send)

    auth = header(*creds["auth token"])
    rows.append(
        (
            "whole request: GET /healthz (no credentials)",
            await best_us(lambda: request("/healthz", None)),
        )
    )
    rows.append(
        (
            "whole request: GET account, Basic auth token",
            await best_us(lambda: request(f"/2010-04-01/Accounts/{account.sid}.json", auth)),
        )
    )
    await rt.stop()
    print("| step (one core, in-process) | µs |")
    print("|---|---:|")
    for name, micros in rows:
        print(f"| {name} | {micros:.1f} |")
    print()
    print(json.dumps({name: round(m, 2) for name, m in rows}))


if __name__ == "__main__":
    database = f"sqlite:///{Path(tempfile.mkdtemp(prefix='charter-authz-')) / 'bench.db'}"
    upgrade(database)  # migrations run their own event loop, so before ours
    asyncio.run(main(database))
