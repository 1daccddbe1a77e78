"""An HTTP proxy on 127.0.0.1 that injects network faults in front of a real server.

Each request is numbered from 1; ``plan`` maps a request number to the fault it gets:
``"429"`` (throttled, with ``Retry-After``), ``"slow"`` (answered after ``slow_seconds``),
``"drop"`` (connection closed without an answer). From ``die_after`` on, the proxy stops
listening altogether, as a server that dies mid-run.

Two faults leave requests unanswered while the connection stays open, as a server that
hangs: every request whose body ``hang_when`` holds true (a server that never answers one
request shape), and every request after ``hang_after`` (a server that stops answering
altogether). Such requests are kept in ``held``, and released when the proxy stops.

``slow_when`` answers every request whose body it holds true ``slow_seconds`` late, as a
server slow on one request shape; ``slow`` keeps when each such request waited, and
``answered_at`` when each other request was answered (``time.monotonic``).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class FaultyProxy:
    def __init__(
        self,
        upstream: str,
        *,
        plan: dict[int, str] | None = None,
        retry_after: str = "1",
        slow_seconds: float = 1.5,
        die_after: int | None = None,
        hang_when: Callable[[bytes], bool] | None = None,
        hang_after: int | None = None,
        slow_when: Callable[[bytes], bool] | None = None,
    ) -> None:
        self.upstream = upstream
        self.plan = plan or {}
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.die_after = die_after
        self.hang_when = hang_when
        self.hang_after = hang_after
        self.slow_when = slow_when
        self.slow: list[tuple[float, float]] = []
        """(start, end) of each wait of a request ``slow_when`` slowed down."""
        self.answered_at: list[float] = []
        """When each request not slowed down was answered."""
        self.held: list[tuple[int, bytes]] = []
        """(request number, body) of each request left unanswered."""
        self.forwarded: list[tuple[int, bytes]] = []
        """(request number, body) of each request passed on to ``upstream``."""
        self._release = threading.Event()
        self.count = 0
        self.faults_served: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        self._client = httpx.Client(base_url=upstream, timeout=10)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def do_GET(self) -> None:
                proxy.handle(self)

            do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
        self._client.close()

    def kill(self) -> None:
        """Stop listening: from now on connections are refused."""
        self._release.set()
        if self._server.socket.fileno() != -1:
            self._server.shutdown()
            self._server.server_close()

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.count += 1
            number = self.count
        fault = self.plan.get(number)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if self.die_after is not None and number > self.die_after:
            fault = "dead"
        if fault:
            self.faults_served.append((number, fault))
        if self._holds(number, body):
            with self._lock:
                self.held.append((number, body))
            self._release.wait()
            return
        if fault in ("drop", "dead"):
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            if fault == "dead":
                threading.Thread(target=self.kill, daemon=True).start()
            return
        if fault == "429":
            self._answer(handler, 429, {"Retry-After": self.retry_after}, b"")
            return
        if fault == "slow":
            time.sleep(self.slow_seconds)
        slowed = self.slow_when is not None and self.slow_when(body)
        if slowed:
            started = time.monotonic()
            time.sleep(self.slow_seconds)
            with self._lock:
                self.slow.append((started, time.monotonic()))
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        with self._lock:
            self.forwarded.append((number, body))
        upstream = self._client.request(
            handler.command, handler.path, headers=headers, content=body
        )
        kept = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
        # The client may have given up waiting (the "slow" fault): then nothing is answered.
        with contextlib.suppress(OSError):
            self._answer(handler, upstream.status_code, kept, upstream.content)
        if not slowed:
            with self._lock:
                self.answered_at.append(time.monotonic())

    def _holds(self, number: int, body: bytes) -> bool:
        if self.hang_after is not None and number > self.hang_after:
            return True
        return self.hang_when is not None and self.hang_when(body)

    @staticmethod
    def _answer(
        handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
