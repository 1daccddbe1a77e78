"""``ReferenceServer``: the reference API on a real socket, uvicorn in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from conformance.reference.accounts import Credentials, generate_credentials
from conformance.reference.app import create_app, reference_state
from conformance.reference.latency import LatencyLayer, check_latency_ms
from conformance.reference.store import USERS
from conformance.reference.worker import DEFAULT_APPLY_DELAY, check_apply_delay
from conformance.sandbox import Sandbox

__all__ = ["LOOPBACK_HOSTS", "ReferenceServer"]

# The reference API is test tooling with throw-away credentials: never listen beyond loopback.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_STARTUP_TIMEOUT = 10.0


class ReferenceServer:
    """``with ReferenceServer() as server: httpx.get(server.base_url + ...)``.

    Each ``start()`` generates fresh credentials and a freshly seeded store. ``port=0`` binds
    a free port, known as soon as ``start()`` returns. ``latency_ms`` makes every answer leave
    that many milliseconds after its request came in, without holding up other requests
    (see ``LatencyLayer``). ``apply_delay`` is how many seconds after its answer an accepted
    update is applied (see ``UpdateWorker``).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Iterable[str] = (),
        max_items: int = 100,
        credentials: Credentials | None = None,
        latency_ms: int = 0,
        apply_delay: float = DEFAULT_APPLY_DELAY,
    ) -> None:
        if host not in LOOPBACK_HOSTS:
            allowed = ", ".join(LOOPBACK_HOSTS)
            raise ValueError(f"the reference API listens on loopback only ({allowed}): {host!r}")
        self.host = "127.0.0.1" if host == "localhost" else host
        self.port = port
        self.faults = tuple(faults)
        self.max_items = max_items
        self.latency_ms = check_latency_ms(latency_ms)
        self.apply_delay = check_apply_delay(apply_delay)
        # Fixed credentials are for self-tests that plant a recognisable secret; otherwise
        # every start generates fresh ones.
        self._fixed_credentials = credentials
        self._app: Starlette | None = None
        self._credentials: Credentials | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> ReferenceServer:
        if self._thread is not None:
            raise RuntimeError("the reference server is already running")
        self._credentials = self._fixed_credentials or generate_credentials()
        self._app = create_app(
            credentials=self._credentials,
            faults=self.faults,
            max_items=self.max_items,
            apply_delay=self.apply_delay,
        )
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted sockets that say so,
        # and without it every response stalls ~40 ms on Nagle and delayed ACKs.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        sock.listen(128)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            LatencyLayer(self._app, latency_ms=self.latency_ms),
            lifespan="off",
            log_config=None,
            log_level="error",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        server = self._server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="reference-api", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the reference server did not start")
            time.sleep(0.002)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread; safe to call twice.

        Requests a fault holds without answering are let go first: uvicorn would otherwise
        wait out its graceful-shutdown timeout for them, then cancel them.
        """
        if self._app is not None:
            reference_state(self._app).stopping.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_STARTUP_TIMEOUT)
        self._server = None
        self._thread = None

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what clients need -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def app(self) -> Starlette:
        if self._app is None:
            raise RuntimeError("the reference server has not been started")
        return self._app

    @property
    def credentials(self) -> Credentials:
        if self._credentials is None:
            raise RuntimeError("the reference server has not been started")
        return self._credentials

    @property
    def sandbox(self) -> Sandbox:
        return reference_state(self.app).sandbox

    @property
    def users(self) -> tuple[dict[str, str], ...]:
        """The users an update may assign: ``{"id", "email", "displayName"}`` each."""
        return tuple(dict(user) for user in USERS)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every accepted update has been applied (see ``UpdateWorker``)."""
        return reference_state(self.app).worker.wait_idle(timeout)
