"""The only place the suite talks to the target: rate limits, retries, and the safety rules.

Every request of a run goes through ``TargetClient.send``, so the write rule, the read rule
(a GET only to a configured read path of a sandbox incident), the write budget, the rate
limit, ``Retry-After`` handling and the request counts hold for probes, properties, fuzzing
and the read-back alike. A GET is never a write: reads do not spend the write budget.

``send`` may be called from several threads at once. At most ``limits.concurrency`` requests
are in flight; the rate limit, a ``Retry-After`` pause and the write budget are shared by all
of them, so they hold exactly as in a sequential run: one thread at a time takes the next
slot, and a 429 holds back every request of the run, not only the one it answered
(``conformance.run.pacing``).
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.pacing import Pacer
from conformance.run.target import Target
from conformance.sandbox import check_read_rule, check_write_rule

__all__ = [
    "ClientStats",
    "NoAnswer",
    "PlannedRequest",
    "StillThrottled",
    "TargetClient",
    "TargetUnreachable",
    "WriteBudgetExceeded",
]

MAX_RETRY_AFTER_SECONDS = 60.0
MAX_429_RETRIES = 3


class TargetUnreachable(RuntimeError):
    """The target did not answer after the allowed retries (exit code 3)."""


class NoAnswer(TargetUnreachable):
    """One request got no HTTP answer: every attempt timed out or failed on the network.

    On its own this does not tell a target that is gone from one that ignores this request;
    the run asks the target again with a liveness check to find out (``liveness``).
    """

    def __init__(self, base_url: str, url: str, attempts: int, exc: Exception) -> None:
        self.url = url
        self.attempts = attempts
        self.cause = f"{type(exc).__name__}: {str(exc) or 'no detail'}"
        super().__init__(f"{httpx.URL(base_url).host} is unreachable ({self.cause})")


class StillThrottled(RuntimeError):
    """The target kept answering 429 after the allowed retries; the request is given up."""


class WriteBudgetExceeded(RuntimeError):
    """The run used up ``limits.max_write_requests``."""


@dataclass(frozen=True)
class PlannedRequest:
    """A request before it is sent: what the probes, properties and fuzzer produce."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes | None = None

    @property
    def is_write(self) -> bool:
        return self.method.upper() in ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class ClientStats:
    requests: int = 0
    writes: int = 0
    retried_429: int = 0
    retried_network: int = 0
    given_up_429: int = 0
    throttled_seconds: float = 0.0

    @property
    def share_429(self) -> float:
        return self.retried_429 / self.requests if self.requests else 0.0


class TargetClient:
    """Sends planned requests to the target with one reused ``httpx.Client``; thread-safe."""

    def __init__(
        self,
        target: Target,
        *,
        max_write_requests: int | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.target = target
        self.stats = ClientStats()
        self.concurrency = target.limits.concurrency
        self._max_writes = max_write_requests
        self._sleep = sleep
        self.pacer = Pacer(target.limits.requests_per_second, sleep=sleep, clock=clock)
        self._in_flight = threading.BoundedSemaphore(self.concurrency)
        self._counting = threading.Lock()
        self._http = httpx.Client(
            base_url=target.base_url,
            timeout=target.limits.timeout_seconds,
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": "contraforce-conformance"},
            limits=httpx.Limits(
                max_connections=self.concurrency, max_keepalive_connections=self.concurrency
            ),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TargetClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def writes_left(self) -> int | None:
        return None if self._max_writes is None else self._max_writes - self.stats.writes

    def send(self, planned: PlannedRequest) -> httpx.Response:
        check_write_rule(self.target.sandbox, planned.content)
        if planned.method.upper() == "GET":
            # The operation's own path reads nothing: a GET there asks for a 405.
            paths = (*self.target.read_paths, BULK_UPDATE_PATH)
            check_read_rule(self.target.sandbox, paths, planned.path)
        if planned.is_write:
            self._spend_write()
        request = self._http.build_request(
            planned.method, planned.path, headers=dict(planned.headers), content=planned.content
        )
        with self._in_flight:
            return self._send(request)

    def _spend_write(self) -> None:
        with self._counting:
            if self._max_writes is not None and self.stats.writes >= self._max_writes:
                raise WriteBudgetExceeded(
                    f"write budget of {self._max_writes} requests used up "
                    "(raise limits.max_write_requests to allow more)"
                )
            self.stats.writes += 1

    def _send(self, request: httpx.Request) -> httpx.Response:
        network_failures = 0
        throttled = 0
        while True:
            self.pacer.wait_turn()
            with self._counting:
                self.stats.requests += 1
            try:
                response = self._http.send(request)
                response.read()
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                network_failures += 1
                if network_failures > self.target.limits.retries:
                    url = str(request.url)
                    raise NoAnswer(self.target.base_url, url, network_failures, exc) from None
                with self._counting:
                    self.stats.retried_network += 1
                self._sleep(min(0.5 * 2 ** (network_failures - 1), 8.0))
                continue
            if response.status_code == 429:
                if throttled == MAX_429_RETRIES:
                    # A 429 is the target protecting itself, not an answer to judge.
                    with self._counting:
                        self.stats.given_up_429 += 1
                    raise StillThrottled(f"still 429 after {throttled} retries")
                throttled += 1
                delay = retry_after_seconds(response.headers.get("Retry-After"), self._now_http())
                self._hold_back(delay)
                continue
            return response

    def pause(self, seconds: float) -> None:
        """Wait on the client's clock (a fake one in tests)."""
        self._sleep(seconds)

    def _hold_back(self, delay: float) -> None:
        """After a 429: no request of the run leaves for ``delay`` seconds."""
        with self._counting:
            self.stats.retried_429 += 1
            self.stats.throttled_seconds += delay
        self.pacer.hold_back(delay)

    @staticmethod
    def _now_http() -> float:
        return time.time()


def retry_after_seconds(value: str | None, now: float) -> float:
    """Seconds to wait for a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return 1.0
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return 1.0
    return min(max(when - now, 0.0), MAX_RETRY_AFTER_SECONDS)
