"""In-process cost of Charter's four harness loads (token, get_bearer, get_basic, introspect), next
to the harness's Starlette null endpoint, and of the pieces they are made of.

Drives the ASGI applications directly (no sockets, no HTTP parsing), one request at a time on one
uvloop event loop, and prints microseconds per request, the best of many short batches (the
machine is shared: the minimum is the least disturbed). Then the building blocks alone: ES256
sign / verify with raw `cryptography`, joserfc's `jwt.encode` / `jwt.decode` as Charter calls
them, `AccessTokens.issue` / `verify`, `BearerAuthenticator.authenticate`, the calls-list query.
With `--profile LOAD` it prints a cProfile of that load's request path.

    taskset -c 1 /tmp/cv/bin/python bench/profile_oauth.py [--profile token|get_bearer|...]

Run it with Charter's own interpreter. It makes a fresh SQLite database in a temporary directory
(or uses `BENCH_DATABASE_URL`, e.g. an empty PostgreSQL database made for the run), seeds the
bench account with `python -m charter accounts create` and creates the bench OAuth app (policy
allowing /twilio/voice/calls/list) through the API, like `bench/run.sh`.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import json
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from profile_get_basic import SHARED, SID, TOKEN, lifespan_start

RESOURCE = f"/2010-04-01/Accounts/{SID}/Calls.json"
LOADS = ("null", "token", "get_bearer", "get_basic", "introspect")


def scope(method: str, path: str, auth: str | None, form: bool) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1:18100"), (b"user-agent", b"wrk")]
    if auth:
        headers.append((b"authorization", auth.encode()))
    if form:
        headers.append((b"content-type", b"application/x-www-form-urlencoded"))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
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


async def call(app: Any, sc: dict[str, Any], body: bytes = b"") -> tuple[int, bytes]:
    status = 0
    out = b""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, out
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            out += message.get("body", b"")

    headers = list(sc["headers"])
    if body:
        headers.append((b"content-length", str(len(body)).encode()))
    await app({**sc, "headers": headers}, receive, send)
    return status, out


CLOCK = time.process_time  # CPU time of this process, all threads (--clock wall: perf_counter)


async def best_us(fn: Callable[[], Awaitable[Any]], batch: int, batches: int) -> float:
    """Microseconds per call: the fastest of `batches` batches of `batch` calls. CPU time by
    default: on a shared machine, time spent preempted by other processes is not counted."""
    for _ in range(batch):
        await fn()
    best = float("inf")
    for _ in range(batches):
        start = CLOCK()
        for _ in range(batch):
            await fn()
        best = min(best, (CLOCK() - start) / batch)
    return best * 1e6


def basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


async def main(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(SHARED / "peers"))
    from null_server import starlette_app as null_app

    from charter.settings import Settings
    from charter.web.app import create_app

    work = Path(tempfile.mkdtemp(prefix="charter-profile."))
    env = {
        **os.environ,
        "CHARTER_ENV": "development",
        "CHARTER_DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{work}/charter.db"
        ),
        "CHARTER_SECRET_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="),
    }
    seed = ["accounts", "create", "--friendly-name", "Bench", "--sid", SID, "--auth-token", TOKEN]
    subprocess.run(
        [sys.executable, "-m", "charter", *seed], env=env, cwd=work, check=True, capture_output=True
    )
    app = create_app(Settings.from_env(env))
    task, inbox = await lifespan_start(app)
    try:
        account = basic(SID, TOKEN)
        sc = scope("POST", "/v1/Account/OAuthApps", account, False)
        sc["headers"].append((b"content-type", b"application/json"))
        policy = {"friendly_name": "Bench", "policy": {"allow": ["/twilio/voice/calls/list"]}}
        st, body = await call(app, sc, json.dumps(policy).encode())
        if st != 201:
            raise SystemExit(f"creating the OAuth app: {st} {body[:300]!r}")
        created = json.loads(body)
        client = basic(created["sid"], created["secret"])
        token_req = (scope("POST", "/v2/token", client, True), b"grant_type=client_credentials")
        st, body = await call(app, *token_req)
        if st != 200:
            raise SystemExit(f"token: {st} {body[:300]!r}")
        jwt = json.loads(body)["access_token"]
        requests: dict[str, tuple[Any, dict[str, Any], bytes]] = {
            "null": (null_app, scope("GET", RESOURCE, None, False), b""),
            "token": (app, *token_req),
            "get_bearer": (app, scope("GET", RESOURCE, f"Bearer {jwt}", False), b""),
            "get_basic": (app, scope("GET", RESOURCE, account, False), b""),
            "introspect": (
                app,
                scope("POST", "/oauth2/introspect", client, True),
                f"token={jwt}&token_type_hint=access_token".encode(),
            ),
        }
        for name, (target, sc, body) in requests.items():
            st, out = await call(target, sc, body)
            if st != 200:
                raise SystemExit(f"{name}: {st} {out[:300]!r}")

        if args.profile:
            target, sc, body = requests[args.profile]
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.profile_n):
                await call(target, sc, body)
            prof.disable()
            for key in ("tottime", "cumulative"):
                text = io.StringIO()
                pstats.Stats(prof, stream=text).strip_dirs().sort_stats(key).print_stats(args.top)
                print(f"\n--- cProfile of {args.profile_n} {args.profile} requests, by {key} ---")
                print(text.getvalue())
            return

        b, n = args.batch, args.batches
        print(
            f"in-process ASGI calls, best of {n} batches of {b}, {args.clock} time "
            f"(Python {sys.version.split()[0]})"
        )
        for name, (target, sc, body) in requests.items():
            us = await best_us(lambda t=target, s=sc, bd=body: call(t, s, bd), b, n)
            print(f"  {us:8.1f} us  {name}")

        # Building blocks.
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from joserfc import jwt as jose_jwt

        from charter.oauth.tokens import _ALGORITHMS

        runtime = app.state.runtime
        oauth = runtime.oauth
        keys = oauth.keyring.keys
        raw = ec.generate_private_key(ec.SECP256R1())
        pub = raw.public_key()
        sig = raw.sign(b"x" * 400, ec.ECDSA(hashes.SHA256()))  # verified below
        loaded = await runtime.directory.oauth_app(created["sid"])
        assert loaded is not None
        header = {"alg": "ES256", "kid": keys.signing_kid, "typ": "at+jwt"}
        claims = oauth.tokens.verify(jwt).as_dict(oauth.tokens.issuer, oauth.tokens.audience)

        async def sync(fn: Any) -> Any:
            return fn()

        msg, ecdsa = b"x" * 400, ec.ECDSA(hashes.SHA256())
        tokens = oauth.tokens
        blocks: list[tuple[str, Any]] = [
            ("cryptography ECDSA P-256 sign", lambda: raw.sign(msg, ecdsa)),
            ("cryptography ECDSA P-256 verify", lambda: pub.verify(sig, msg, ecdsa)),
            (
                "joserfc jwt.encode, algorithms=[ES256]",
                lambda: jose_jwt.encode(header, claims, keys.signing, _ALGORITHMS),
            ),
            (
                "joserfc jwt.decode, algorithms=[ES256]",
                lambda: jose_jwt.decode(jwt, keys.verifying, _ALGORITHMS),
            ),
            ("AccessTokens.issue", lambda: tokens.issue(loaded.app, None)),
            ("AccessTokens.verify", lambda: tokens.verify(jwt)),
        ]
        for label, fn in blocks:
            us = await best_us(lambda f=fn: sync(f), b, n)
            print(f"  {us:8.1f} us  {label}")
        us = await best_us(lambda: oauth.bearer.authenticate(jwt), b, n)
        print(f"  {us:8.1f} us  BearerAuthenticator.authenticate")

        from charter.domain.paging import PageRequest
        from charter.domain.ports import CallFilter

        try:
            now = runtime.clock.now()
            where = CallFilter(SID, now)
            request = PageRequest(50)
            us = await best_us(lambda: runtime.calls.list_calls(where, request), b // 10, n)
            print(f"  {us:8.1f} us  CallService.list_calls (empty page, {runtime.uow.engine.name})")
        except Exception as exc:  # the service's signature moved on
            print(f"  (calls list timing unavailable: {exc!r})")
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await task
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--batch", type=int, default=500, help="calls per timed batch")
    parser.add_argument("--batches", type=int, default=20, help="batches; the fastest counts")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu", help="what is timed")
    parser.add_argument("--profile", choices=LOADS, help="cProfile this load's request path")
    parser.add_argument("--profile-n", type=int, default=3000, help="requests under cProfile")
    parser.add_argument("--top", type=int, default=35, help="rows per cProfile table")
    ns = parser.parse_args()
    if ns.clock == "wall":
        CLOCK = time.perf_counter
    import uvloop

    uvloop.run(main(ns))
