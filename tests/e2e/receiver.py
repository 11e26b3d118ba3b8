"""A webhook receiver for end-to-end tests: a threaded `http.server` on 127.0.0.1 that records
every request and answers 503 to the first `failures` of them, 200 afterwards."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Received:
    method: str
    url: str  # as the receiver reconstructs it: http://127.0.0.1:<port><path?query>
    headers: dict[str, str]
    params: dict[str, str]  # the form body of a POST (a GET's are in `url`)
    status: int  # what the receiver answered


class Receiver:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                with receiver._lock:
                    status = 503 if len(receiver.received) < receiver.failures else 200
                    receiver.received.append(
                        Received(
                            self.command,
                            f"http://127.0.0.1:{receiver.port}{self.path}",
                            {k: v for k, v in self.headers.items()},
                            dict(parse_qsl(body, keep_blank_values=True)),
                            status,
                        )
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port: int = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """The requests received, once there are at least `count` (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        raise AssertionError(f"{len(self.received)} webhook requests, expected {count}")
