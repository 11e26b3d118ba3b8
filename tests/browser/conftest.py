"""Browser fixtures: Debian's chromium driven by Playwright, a real `charter serve`, and a tiny
local "developer site" that serves a pasted Connect button and records what comes back to it.

Chromium is never downloaded by Playwright: `scripts/install` installs Debian's package when
`/usr/bin/chromium` is missing. Without it the tests skip with the reason, unless `CI` is set,
when they fail.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.e2e.conftest import CharterServer, own_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure: run scripts/install)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(console_server: CharterServer) -> Iterator[Any]:
    """Debian's chromium, headless, with a fresh profile (Playwright makes one per launch).

    Started after the server and stopped with the module: Playwright's sync API runs an event
    loop in this thread while it is open, and `asyncio.run` (the PostgreSQL set-up, other
    tests) refuses to run beside it."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CharterServer]:
    """A `charter serve` whose public URL is its own address (the Connect button links there)."""
    with own_server(tmp_path_factory, "browser", public_url_is_base=True) as server:
        yield server


@dataclass
class DeveloperSite:
    """A developer's web site on 127.0.0.1: `/` shows `button` (the pasted Connect button);
    every other request is recorded in `received` (path and query or form)."""

    base: str = ""
    button: str = ""
    received: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def arrivals(self, path: str) -> list[dict[str, str]]:
        return [params for method, p, params in self.received if p == path]


@pytest.fixture
def developer_site() -> Iterator[DeveloperSite]:
    site = DeveloperSite()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: str) -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/":
                self._answer(f"<!doctype html><title>Blaster</title><h1>Blaster</h1>{site.button}")
                return
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            site.received.append(("GET", parts.path, params))
            self._answer("<!doctype html><title>Connected</title><p>Thanks!</p>")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            site.received.append(("POST", urlsplit(self.path).path, form))
            self._answer("ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()
