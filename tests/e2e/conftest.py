"""End-to-end fixtures: a real `charter serve` process on a fresh database, and the CLI beside it.

The server is started once per session (`charter_server`) with `sys.executable -m charter serve`
on a free port and stopped at the end; `CharterServer.restart()` stops it and starts a new process
on the same database and port. Main accounts are created the way an operator does it, with
`charter accounts create --json`.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from twilio.rest import Client

from tests import databases
from tests.conftest import TEST_KEY
from tests.twilio_local import local_client

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
CLI_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class MainAccount:
    """A main account created through the CLI, with its credentials."""

    sid: str
    auth_token: str
    friendly_name: str

    @property
    def auth(self) -> tuple[str, str]:
        return (self.sid, self.auth_token)


class CharterServer:
    """One `charter serve` process at a time on `database_url`, listening on 127.0.0.1:`port`."""

    def __init__(self, database_url: str, workdir: Path, extra_env: dict[str, str] | None = None):
        self.database_url = database_url
        self.workdir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = self._environment(extra_env or {})
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._logs: list[Path] = []

    def _environment(self, extra: dict[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CHARTER_", "TWILIO_"))}
        env.update(
            {
                "CHARTER_DATABASE_URL": self.database_url,
                "CHARTER_SECRET_KEY": TEST_KEY,
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra)
        return env

    # --- process control -------------------------------------------------------------------

    def start(self) -> None:
        assert self.process is None, "already running"
        self.starts += 1
        log_path = self.workdir / f"server-{self.starts}.log"
        self._logs.append(log_path)
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "charter",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        with httpx.Client(base_url=self.base, trust_env=False, timeout=1.0) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"charter serve exited with {self.process.returncode}:\n{self.log()}"
                    )
                try:
                    if http.get("/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"charter serve not healthy within {START_TIMEOUT}s:\n{self.log()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT)

    def restart(self) -> None:
        """A new server process on the same database and port."""
        self.stop()
        self.start()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log(self) -> str:
        """Everything the server processes have printed so far."""
        return "".join(p.read_text(errors="replace") for p in self._logs if p.exists())

    # --- operator commands -----------------------------------------------------------------

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "charter", *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )

    def create_main_account(self, friendly_name: str) -> MainAccount:
        return self.create_main_accounts([friendly_name])[0]

    def create_main_accounts(self, names: list[str]) -> list[MainAccount]:
        """One `charter accounts create --json` per name, run side by side."""
        command = [sys.executable, "-m", "charter", "accounts", "create", "--json"]
        processes = [
            subprocess.Popen(
                [*command, "--friendly-name", name],
                cwd=self.workdir,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in names
        ]
        created = []
        for name, process in zip(names, processes, strict=True):
            out, err = process.communicate(timeout=CLI_TIMEOUT)
            assert process.returncode == 0, err
            body: dict[str, Any] = json.loads(out)
            assert body["friendly_name"] == name
            assert body["owner_account_sid"] == body["sid"]
            created.append(MainAccount(body["sid"], body["auth_token"], body["friendly_name"]))
        return created

    # --- clients ---------------------------------------------------------------------------

    def twilio(self, username: str, password: str, account_sid: str | None = None) -> Client:
        return local_client(self.base, username, password, account_sid)

    def http(self, auth: tuple[str, str] | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.base, auth=auth, trust_env=False, timeout=10.0)


@contextmanager
def fresh_database(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[str]:
    """A new database for server processes: PostgreSQL (dropped afterwards) or a SQLite file."""
    if databases.backend() == "postgres":
        url = databases.create_postgres_database()
        try:
            yield url
        finally:
            databases.drop_postgres_database(url)
        return
    yield f"sqlite:///{tmp_path_factory.mktemp(name + '-db') / 'charter.db'}"


@contextmanager
def own_server(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    env: dict[str, str] | None = None,
    *,
    public_url_is_base: bool = False,
) -> Iterator[CharterServer]:
    """A `charter serve` on a database of its own (e.g. with `CHARTER_TEST_CLOCK=1`), stopped
    afterwards and checked to have logged no crash."""
    with fresh_database(tmp_path_factory, name) as url:
        server = CharterServer(url, tmp_path_factory.mktemp(name), extra_env=env)
        if public_url_is_base:  # links it prints (the Connect button) point at itself
            server.env["CHARTER_PUBLIC_URL"] = server.base
        server.start()
        try:
            yield server
        finally:
            server.stop()
        assert "unhandled error" not in server.log(), server.log()


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for the shared server process."""
    with fresh_database(tmp_path_factory, "e2e") as url:
        yield url


@pytest.fixture(scope="session")
def charter_server(
    e2e_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CharterServer]:
    """A running `charter serve`, shared by the whole e2e session."""
    server = CharterServer(
        e2e_database_url,
        tmp_path_factory.mktemp("e2e-server"),
        # Tests send wrong credentials on purpose; keep the per-address throttle out of the way.
        extra_env={"CHARTER_AUTH_FAILURES_PER_SOURCE": "10000"},
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
    # No request in the run may have crashed the server.
    assert "unhandled error" not in server.log(), server.log()


@pytest.fixture
def server(charter_server: CharterServer) -> Iterator[CharterServer]:
    """The shared server, checked to be running before and to have logged no crash after."""
    if charter_server.process is None or charter_server.process.poll() is not None:
        charter_server.stop()
        charter_server.start()
    before = len(charter_server.log())
    yield charter_server
    process = charter_server.process
    assert process is not None, "the test left the server stopped"
    assert process.poll() is None, f"the server died:\n{charter_server.log()[before:]}"
    new_output = charter_server.log()[before:]
    assert "unhandled error" not in new_output, new_output
    assert "Traceback" not in new_output, new_output


class AccountPool:
    """Fresh main accounts on demand, created through the CLI a batch at a time.

    Each `charter accounts create` is a new Python process; running a few side by side keeps the
    suite fast without sharing accounts between tests.
    """

    def __init__(self, server: CharterServer, batch: int = 4) -> None:
        self.server = server
        self.batch = batch
        self._numbers = itertools.count(1)
        self._ready: list[MainAccount] = []

    def take(self) -> MainAccount:
        if not self._ready:
            run = uuid.uuid4().hex[:6]
            names = [f"E2E {next(self._numbers)} {run}" for _ in range(self.batch)]
            self._ready.extend(self.server.create_main_accounts(names))
        return self._ready.pop(0)


@pytest.fixture(scope="session")
def account_pool(charter_server: CharterServer) -> AccountPool:
    return AccountPool(charter_server)


@pytest.fixture
def main_account(server: CharterServer, account_pool: AccountPool) -> MainAccount:
    """A new main account of this test's own, created with `charter accounts create`."""
    return account_pool.take()
