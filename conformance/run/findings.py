"""The run's findings as they are recorded: one per fingerprint, with the kinds of request
that showed it (a count each) and its smallest example.

Each finding keeps, besides its redacted example for the reports, what it takes to send that
example again after the run (``ReplayPlan``): the requests as planned, with their real
credentials, so it never leaves memory. The log is safe to share between threads.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from conformance.checks import ConformanceFailure, Exchange, Intent, NoBody, NotJson, Request
from conformance.reports import FailureRecord, Finding, Identity, Replay
from conformance.run.client import PlannedRequest
from conformance.triage import normalise_kind

__all__ = ["FindingLog", "LoggedFinding", "ReplayPlan", "request_size"]

T = TypeVar("T")
ExtraChecks = Callable[[Exchange], list[ConformanceFailure]]


@dataclass(frozen=True)
class ReplayPlan:
    """The requests that make up a finding's minimal example, in the order they were sent.

    A replay sends them all and judges every answer; the last one is the request that failed.
    ``extra_checks`` judges beyond the clause checks, as the phase that found it did
    (schemathesis's own checks in the fuzzing phase).
    """

    steps: tuple[tuple[PlannedRequest, Intent], ...]
    extra_checks: ExtraChecks | None = None

    @classmethod
    def of_example(
        cls,
        steps: Sequence[tuple[PlannedRequest, Intent]],
        extra_checks: Callable[[T, Exchange], list[ConformanceFailure]] | None,
        example: T,
    ) -> ReplayPlan:
        """The requests of a generated ``example``, judged again by its extra checks."""
        if extra_checks is None:
            return cls(tuple(steps))
        return cls(tuple(steps), lambda exchange: extra_checks(example, exchange))

    @classmethod
    def resend(cls, request: Request, intent: Intent) -> ReplayPlan:
        """Send ``request`` again as it went out; its URL is absolute, and the replay makes it
        a path under the target's base URL again."""
        return cls(((_planned(request), intent),))


def _planned(request: Request) -> PlannedRequest:
    return PlannedRequest(request.method, request.url, dict(request.headers), _content(request))


def _content(request: Request) -> bytes | None:
    body = request.body
    if isinstance(body, NoBody):
        return None
    if isinstance(body, NotJson):
        return body.raw
    # Every phase writes JSON bodies this way, so the bytes are the ones sent.
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def request_size(request: Request) -> int:
    """How big a request is, to pick the smallest example of a finding."""
    content = _content(request)
    return 0 if content is None else len(content)


@dataclass
class LoggedFinding:
    identity: Identity
    kinds: Counter[str]
    example: FailureRecord
    size: int
    plan: ReplayPlan | None
    replay: Replay | None = None

    @property
    def fingerprint(self) -> str:
        return self.identity.fingerprint

    @property
    def count(self) -> int:
        return sum(self.kinds.values())

    def to_finding(self) -> Finding:
        return Finding(
            identity=self.identity,
            kinds=dict(self.kinds),
            example=self.example,
            replay=self.replay,
        )


class FindingLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._findings: dict[str, LoggedFinding] = {}

    def add(
        self,
        identity: Identity,
        *,
        kind: str,
        size: int,
        record: Callable[[], FailureRecord],
        plan: ReplayPlan | None,
    ) -> None:
        """Count one failure, shown by a request of ``kind``; keep its example when it is the
        first or the smallest so far."""
        kind = normalise_kind(kind)
        with self._lock:
            logged = self._findings.get(identity.fingerprint)
            if logged is None:
                self._findings[identity.fingerprint] = LoggedFinding(
                    identity, Counter({kind: 1}), record(), size, plan
                )
                return
            logged.kinds[kind] += 1
            if size < logged.size:
                logged.example, logged.size, logged.plan = record(), size, plan

    def __iter__(self) -> Iterator[LoggedFinding]:
        with self._lock:
            return iter(list(self._findings.values()))

    def __len__(self) -> int:
        with self._lock:
            return len(self._findings)

    def findings(self) -> list[Finding]:
        return [logged.to_finding() for logged in self]
