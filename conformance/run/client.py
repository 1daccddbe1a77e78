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

Retries are for a target that is down, not for a request the target will not answer:

- A connection refused, reset or closed before an answer, or one that could not be opened in
  time, says nothing about the request: the target may be restarting. Such a request is
  retried (``limits.retries``, with backoff).
- A request that reached the target and was not answered in time (a read or write timeout)
  may be one the target never answers. When the caller passes ``confirm`` (the liveness
  check, ``conformance.run.liveness``), it is asked first: if the target answers it, the
  request is not retried, and ``NoAnswer`` says so (``confirmed``). A hang then costs one
  timeout, not one per retry.

The run's deadline (``conformance.run.deadline``) is kept here too: past it, ``send`` raises
``OutOfTime`` and sends nothing, and a request in flight waits only for the time left.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.deadline import Deadline, OutOfTime
from conformance.run.pacing import Pacer
from conformance.run.target import Target
from conformance.sandbox import check_read_rule, check_write_rule

__all__ = [
    "ClientStats",
    "NoAnswer",
    "OutOfTime",
    "PlannedRequest",
    "StillThrottled",
    "TargetClient",
    "TargetUnreachable",
    "WriteBudgetExceeded",
]

MAX_RETRY_AFTER_SECONDS = 60.0
MAX_429_RETRIES = 3
HANGS = (httpx.ReadTimeout, httpx.WriteTimeout)
"""The request reached the target, which did not take it or answer it in time: it may be the
request itself the target will not answer. Any other transport error may be a target that is
down, which is what retries are for."""


class TargetUnreachable(RuntimeError):
    """The target did not answer after the allowed retries (exit code 3)."""


class NoAnswer(TargetUnreachable):
    """One request got no HTTP answer: every attempt timed out or failed on the network.

    On its own this does not tell a target that is gone from one that ignores this request;
    the run asks the target again with a liveness check to find out (``liveness``).
    """

    def __init__(
        self, base_url: str, url: str, attempts: int, exc: Exception, *, confirmed: bool = False
    ) -> None:
        self.url = url
        self.attempts = attempts
        self.confirmed = confirmed
        """The target answered a liveness check after this request timed out: it is up, and
        this request is one it does not answer (so it was not retried)."""
        self.cause = f"{type(exc).__name__}: {str(exc) or 'no detail'}"
        super().__init__(f"{httpx.URL(base_url).host} is unreachable ({self.cause})")


class StillThrottled(RuntimeError):
    """The target kept answering 429 after the allowed retries; the request is given up."""


class WriteBudgetExceeded(RuntimeError):
    """The run used up ``limits.max_write_requests``."""


class _Hang(Exception):
    """A request timed out after it reached the target: ask whether the target is up."""

    def __init__(self, no_answer: NoAnswer) -> None:
        super().__init__(str(no_answer))
        self.no_answer = no_answer


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
        deadline: Deadline | None = None,
    ) -> None:
        self.target = target
        self.deadline = deadline or Deadline(None, clock=clock)
        """When the run stops sending (``conformance.run.budget``)."""
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

    def send(
        self, planned: PlannedRequest, *, confirm: Callable[[], None] | None = None
    ) -> httpx.Response:
        """Send ``planned``; ``confirm``, when given, is asked after a timeout whether the
        target still answers (it returns if so, and raises ``TargetUnreachable`` if not)."""
        self.deadline.check()
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
            try:
                return self._send(request, hangs_if_up=confirm is not None)
            except _Hang as hang:
                silence = hang.no_answer
        # Outside the in-flight slot: the liveness check needs one of its own.
        assert confirm is not None  # only then does ``_send`` raise ``_Hang``
        confirm()  # raises TargetUnreachable when the target is gone
        raise silence

    def _spend_write(self) -> None:
        with self._counting:
            if self._max_writes is not None and self.stats.writes >= self._max_writes:
                raise WriteBudgetExceeded(
                    f"write budget of {self._max_writes} requests used up "
                    "(raise limits.max_write_requests to allow more)"
                )
            self.stats.writes += 1

    def _send(self, request: httpx.Request, *, hangs_if_up: bool) -> httpx.Response:
        network_failures = 0
        throttled = 0
        while True:
            self.pacer.wait_turn()
            self.deadline.check()
            with self._counting:
                self.stats.requests += 1
            # Never past the deadline: a request still unanswered then is cut, not judged.
            time_left = self.deadline.time_left()
            cut = time_left < self.target.limits.timeout_seconds
            timeout = min(self.target.limits.timeout_seconds, time_left)
            request.extensions["timeout"] = httpx.Timeout(timeout).as_dict()
            try:
                response = self._http.send(request)
                response.read()
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                if self.deadline.passed or (cut and isinstance(exc, httpx.TimeoutException)):
                    raise self.deadline.exhausted() from None
                network_failures += 1
                url = str(request.url)
                if isinstance(exc, HANGS) and hangs_if_up:
                    silence = NoAnswer(
                        self.target.base_url, url, network_failures, exc, confirmed=True
                    )
                    raise _Hang(silence) from None
                if network_failures > self.target.limits.retries:
                    raise NoAnswer(self.target.base_url, url, network_failures, exc) from None
                with self._counting:
                    self.stats.retried_network += 1
                backoff = min(0.5 * 2 ** (network_failures - 1), 8.0)
                self._sleep(min(backoff, self.deadline.time_left()))
                continue
            if response.status_code == 429:
                if throttled == MAX_429_RETRIES:
                    # A 429 is the target protecting itself, not an answer to judge.
                    with self._counting:
                        self.stats.given_up_429 += 1
                    raise StillThrottled(f"still 429 after {throttled} retries")
                throttled += 1
                delay = retry_after_seconds(response.headers.get("Retry-After"), self._now_http())
                if delay >= self.deadline.time_left():
                    raise self.deadline.exhausted()
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
