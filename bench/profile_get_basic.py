"""In-process cost of Charter's get_basic request, next to the harness's Starlette null endpoint.

Drives both ASGI applications directly (no sockets, no HTTP parsing: what uvicorn adds is the
same for both and is left out), one request at a time on one uvloop event loop, and prints
microseconds per request, the best of many short batches (the machine is shared: the minimum is
the least disturbed). It then times the steps of Charter's endpoint cumulatively (what each step
adds) and, with `--profile`, prints a cProfile of the request path.

    taskset -c 1 .venv/bin/python bench/profile_get_basic.py [--profile]

Run it with Charter's own interpreter (it imports `charter`; the null app comes from
`$SHARED_BENCH/peers/null_server.py`). It makes a fresh SQLite database in a temporary directory
and seeds the bench account with `python -m charter accounts create`. The step breakdown mirrors
`charter.web.routing._endpoint` and is skipped with a note if that code has moved on.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

SID = os.environ.get("BENCH_ACCOUNT_SID", "AC00000000000000000000000000000001")
TOKEN = os.environ.get("BENCH_AUTH_TOKEN", "0123456789abcdef0123456789abcdef")
SHARED = Path(
    os.environ.get("SHARED_BENCH") or Path(__file__).resolve().parent.parent.parent / "shared/bench"
)
RESOURCE = "/2010-04-01/Accounts/{sid}.json"


def scope(path: str, auth: str | None) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1:18100"), (b"user-agent", b"wrk")]
    if auth:
        headers.append((b"authorization", auth.encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 18100),
        "state": {},
    }


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def call(app: Any, sc: dict[str, Any]) -> tuple[int, bytes]:
    status = 0
    body = b""

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, body
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body += message.get("body", b"")

    await app(dict(sc), receive, send)
    return status, body


async def lifespan_start(app: Any) -> tuple[asyncio.Task[None], asyncio.Queue[dict[str, str]]]:
    inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    started = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup"):
            started.set()

    await inbox.put({"type": "lifespan.startup"})
    task = asyncio.create_task(app({"type": "lifespan", "state": {}}, inbox.get, send))
    await started.wait()
    return task, inbox


async def best_us(fn: Callable[[], Awaitable[Any]], batch: int, batches: int) -> float:
    """Microseconds per call: the fastest of `batches` batches of `batch` calls."""
    for _ in range(batch):
        await fn()
    best = float("inf")
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(batch):
            await fn()
        best = min(best, (time.perf_counter() - start) / batch)
    return best * 1e6


def endpoint_steps(app: Any, sc: dict[str, Any]) -> list[tuple[str, Callable[[], Awaitable[Any]]]]:
    """Cumulative prefixes of `charter.web.routing._endpoint` for the FetchAccount operation."""
    from starlette.requests import Request
    from starlette.routing import Match

    from charter.domain.ids import parse_account_sid
    from charter.domain.permissions import authorize
    from charter.web import routing
    from charter.web.api.accounts import OPERATIONS
    from charter.web.twilio import decode_pairs

    route = next(r for r in app.router.routes if r.matches(sc)[0] == Match.FULL)
    full = {**sc, **route.matches(sc)[1], "app": app}
    op = next(o for o in OPERATIONS if o.name == "FetchAccount")

    async def s1() -> Any:
        request = Request(dict(full), receive)
        runtime = request.app.state.runtime
        routing.parse_basic(request.headers.get("authorization"))
        routing.client_address(request)
        return request, runtime

    async def s2() -> Any:
        request = Request(dict(full), receive)
        runtime = request.app.state.runtime
        principal = await routing.authenticate(request, runtime)
        authorize(principal, op.permission)
        return request, runtime, principal

    async def s3() -> Any:
        request, runtime, principal = await s2()
        sid = parse_account_sid(request.path_params["AccountSid"])
        account = await runtime.accounts.resolve(principal, sid)
        query = decode_pairs(request.scope["query_string"])
        return request, runtime, principal, account, query

    async def s4() -> Any:
        request, runtime, principal, account, query = await s3()
        return await op.handler(routing.Call(request, runtime, principal, account, None, query))

    async def s5() -> Any:
        return routing.json_response(await s4(), op.status)

    async def whole() -> Any:
        return await route.endpoint(Request(dict(full), receive))

    return [
        ("endpoint(request), whole", whole),
        ("  1 Request, parse_basic, client_address", s1),
        ("  2 + authenticate (throttle, cache, digest) + authorize", s2),
        ("  3 + parse SID, accounts.resolve, decode_pairs(query)", s3),
        ("  4 + handler: Call, account_json", s4),
        ("  5 + json_response (orjson, Response)", s5),
    ]


async def main(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(SHARED / "peers"))
    from null_server import starlette_app as null_app

    from charter.settings import Settings
    from charter.web.app import create_app

    work = Path(tempfile.mkdtemp(prefix="charter-profile."))
    env = {
        **os.environ,
        "CHARTER_ENV": "development",
        "CHARTER_DATABASE_URL": f"sqlite:///{work}/charter.db",
        "CHARTER_SECRET_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="),
    }
    seed = ["accounts", "create", "--friendly-name", "Bench", "--sid", SID, "--auth-token", TOKEN]
    subprocess.run(
        [sys.executable, "-m", "charter", *seed], env=env, cwd=work, check=True, capture_output=True
    )
    app = create_app(Settings.from_env(env))
    task, inbox = await lifespan_start(app)
    try:
        auth = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        ours = scope(RESOURCE.format(sid=SID), auth)
        status, body = await call(app, ours)
        if status != 200 or SID.encode() not in body:
            raise SystemExit(f"unexpected answer: {status} {body[:200]!r}")
        null = scope(f"/2010-04-01/Accounts/{SID}/Calls.json", None)
        _, null_body = await call(null_app, null)

        b, n = args.batch, args.batches
        t_null = await best_us(lambda: call(null_app, null), b, n)
        t_ours = await best_us(lambda: call(app, ours), b, n)
        version = sys.version.split()[0]
        print(f"in-process ASGI calls, best of {n} batches of {b} (Python {version})")
        print(f"  {t_null:7.1f} us  starlette null, whole app ({len(null_body)} bytes body)")
        print(f"  {t_ours:7.1f} us  charter get_basic, whole app ({len(body)} bytes body)")
        try:
            steps = endpoint_steps(app, ours)
        except Exception as exc:  # the endpoint's internals moved: skip the breakdown
            print(f"  (step breakdown unavailable: {exc!r})")
            steps = []
        for label, fn in steps:
            print(f"  {await best_us(fn, b, n):7.1f} us  {label}")

        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.profile_n):
                await call(app, ours)
            prof.disable()
            for key in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key).print_stats(args.top)
                print(f"\n--- cProfile of {args.profile_n} requests, by {key} ---")
                print(out.getvalue())
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await task
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--batch", type=int, default=1000, help="calls per timed batch")
    parser.add_argument("--batches", type=int, default=40, help="batches; the fastest counts")
    parser.add_argument("--profile", action="store_true", help="also cProfile Charter's path")
    parser.add_argument("--profile-n", type=int, default=10000, help="requests under cProfile")
    parser.add_argument("--top", type=int, default=30, help="rows per cProfile table")
    ns = parser.parse_args()
    import uvloop

    uvloop.run(main(ns))
