"""Runs every check on every exchange and keeps the tally per clause.

It also turns failures into findings (``FindingLog``): failures with one fingerprint are one
finding, counted every time, with one minimal example as a redacted ``FailureRecord``, so a
systematic bug does not bury the report under hundreds of copies of one message.

One recorder serves every thread of a run: counting and recording happen under its lock, the
checks themselves outside it. Which example a finding keeps, and the order of the findings,
depend on the order of the ``add`` and ``record_unanswered`` calls, so the phases make those
in a deterministic order (``run.phases``).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from typing import Any, Concatenate, ParamSpec, TypeVar

from conformance.checks import (
    CheckContext,
    ConformanceFailure,
    Exchange,
    Intent,
    Request,
    Response,
    judge,
)
from conformance.clauses import CLAUSES
from conformance.reports import ClauseResult, ClauseStatus, FailureRecord
from conformance.run.credentials import Redactor
from conformance.run.findings import FindingLog, ReplayPlan, request_size
from conformance.run.reproducer import body_text, reproducer
from conformance.triage import identify_failure

__all__ = ["Recorder"]

RECORDS_PER_KIND = 3
BODY_LIMIT = 4_000
P = ParamSpec("P")
R = TypeVar("R")


def _locked(method: Callable[Concatenate[Recorder, P], R]) -> Callable[Concatenate[Recorder, P], R]:
    def under_lock(self: Recorder, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    return under_lock


class Recorder:
    def __init__(
        self,
        *,
        context: CheckContext,
        redactor: Redactor,
        seed: int,
        only: Collection[str] | None = None,
    ) -> None:
        self.context, self.redactor, self.seed = context, redactor, seed
        self.only = frozenset(only) if only else None
        self.checked: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()
        self.findings = FindingLog()
        self.notes: list[str] = []
        self.exchanges = 0
        self.first_failure_at: int | None = None
        """How many exchanges had been judged when the first failure showed (benchmarks)."""
        self._relaxed_unanswered = 0
        self._lock = threading.RLock()

    @property
    def records(self) -> list[FailureRecord]:
        """The minimal example of each finding, in the order the findings were first seen."""
        return [logged.example for logged in self.findings]

    def failures_of(self, exchange: Exchange) -> list[ConformanceFailure]:
        """Run the selected checks on ``exchange`` without counting it (replays)."""
        return list(judge(exchange, context=self.context, only=self.only).failures)

    def evaluate(self, exchange: Exchange) -> list[ConformanceFailure]:
        """Run every selected check on ``exchange`` and count it; record nothing yet.

        The property phase records only the failure Hypothesis reports after shrinking.
        """
        judgement = judge(exchange, context=self.context, only=self.only)
        failures = list(judgement.failures)
        # The checks say which clauses they judged; C22 (liveness) is the run layer's: this
        # request got an answer.
        self._count(judgement.clauses | {"C22"}, failed=bool(failures))
        return failures

    @_locked
    def _count(self, clauses: Iterable[str], *, failed: bool) -> None:
        self.exchanges += 1
        for clause in clauses:
            if self.only is None or clause in self.only:
                self.checked[clause] += 1
        if failed:
            self.mark_failing()

    @_locked
    def mark_failing(self) -> None:
        """The exchange judged last failed (also by checks run outside the registry)."""
        if self.first_failure_at is None:
            self.first_failure_at = self.exchanges

    def check(self, exchange: Exchange, *, phase: str) -> list[ConformanceFailure]:
        """Evaluate ``exchange`` and record its failures."""
        failures = self.evaluate(exchange)
        for failure in failures:
            self.add(failure, exchange, phase=phase)
        return failures

    def add(
        self,
        failure: ConformanceFailure,
        exchange: Exchange,
        *,
        phase: str,
        kind: str | None = None,
        replay: ReplayPlan | None = None,
        replayable: bool = True,
    ) -> None:
        """Record ``failure``; ``kind`` (default: ``phase``) names the kind of request its
        finding lists, and ``replay`` how to send its example again (default: the request).
        ``replayable`` false: no resend can show it again (a read-back verdict is judged over
        time, not on one answer)."""
        plan = (
            (replay or ReplayPlan.resend(exchange.request, exchange.intent)) if replayable else None
        )
        self._add(
            failure, exchange.request, exchange.response, phase, kind=kind or phase, plan=plan
        )

    @_locked
    def count_unanswered(self, failure: ConformanceFailure) -> None:
        """Count a request that got no answer at all (``failure`` is its C22), when it went
        unanswered; ``record_unanswered`` records it later, in the order the phase planned its
        requests, whichever thread sent it."""
        self.exchanges += 1
        if self.only is not None and failure.clause not in self.only:
            return
        self.checked[failure.clause] += 1
        if not self.context.is_relaxed(failure.clause):
            self.mark_failing()

    @_locked
    def record_unanswered(
        self, failure: ConformanceFailure, request: Request, *, phase: str
    ) -> None:
        """Record a request ``count_unanswered`` counted: a finding, or a note when C22 is
        relaxed."""
        if self.only is not None and failure.clause not in self.only:
            return
        if self.context.is_relaxed(failure.clause):
            # Relaxed: the request is still named, with its reproducer, but fails nothing.
            self._relaxed_unanswered += 1
            if self._relaxed_unanswered <= RECORDS_PER_KIND:
                record = self._record(failure, request, None, phase)
                self.notes.append(
                    f"{phase}: request got no answer ({failure.clause} is relaxed); "
                    f"reproduce: {record.curl}"
                )
            return
        self._add(
            failure, request, None, phase, kind=phase, plan=ReplayPlan.resend(request, Intent())
        )

    def selects(self, clause: str) -> bool:
        """Is ``clause`` judged in this run? A sub-clause is when its whole clause is named."""
        if self.only is None or clause in self.only:
            return True
        parent = CLAUSES[clause].parent if clause in CLAUSES else None
        return parent is not None and parent in self.only

    @_locked
    def tally(self, clause: str, judged: int = 1) -> None:
        """Count ``judged`` verdicts of a clause a phase judges itself (read-back, C21)."""
        if self.selects(clause):
            self.checked[clause] += judged

    @_locked
    def note(self, text: str) -> None:
        self.notes.append(text)

    @_locked
    def _add(
        self,
        failure: ConformanceFailure,
        request: Request,
        response: Response | None,
        phase: str,
        *,
        kind: str,
        plan: ReplayPlan | None,
    ) -> None:
        self.failed[failure.clause] += 1
        parent = CLAUSES[failure.clause].parent if failure.clause in CLAUSES else None
        if parent is not None:
            self.failed[parent] += 1  # the whole clause's row fails with any of its parts
        self.findings.add(
            identify_failure(failure, request, response),
            kind=kind,
            size=request_size(request),
            record=lambda: self._record(failure, request, response, phase),
            plan=plan,
        )

    def clause_results(self, skipped: Iterable[tuple[str, str]] = ()) -> list[ClauseResult]:
        reasons = dict(skipped)
        results = []
        for clause_id, clause in CLAUSES.items():
            if not self.selects(clause_id):
                results.append(
                    ClauseResult(clause_id, clause.title, "skipped", reason="not in --only")
                )
                continue
            checked, failed = self.checked[clause_id], self.failed[clause_id]
            status: ClauseStatus
            if failed:
                status = "failed"
            elif checked:
                status = "passed"
            else:
                status = "skipped"
            reason = reasons.get(clause_id, "") if status == "skipped" else ""
            if self.context.is_relaxed(clause_id) and not reason:
                # A relaxed clause may have nothing left to judge: say why it was skipped.
                reason = f"relaxed by the target file: {clause.when_relaxed}"
            if status == "skipped" and not reason:
                reason = "no exchange exercised this clause"
            results.append(ClauseResult(clause_id, clause.title, status, checked, failed, reason))
        return results

    def _record(
        self,
        failure: ConformanceFailure,
        request: Request,
        response: Response | None,
        phase: str,
    ) -> FailureRecord:
        redact = self.redactor
        headers = redact.headers({str(k): str(v) for k, v in request.headers.items()})
        text = body_text(request.body)
        text = None if text is None else redact.text(text)
        return FailureRecord(
            clause=failure.clause,
            check=failure.check,
            message=redact.text(str(failure)),
            phase=phase,
            request={
                "method": request.method,
                "url": redact.text(request.url),
                "headers": headers,
                "body": None if text is None else _parsed_or_text(text),
            },
            response=self._response(response),
            curl=reproducer(request, redact),
            seed=self.seed,
        )

    def _response(self, response: Response | None) -> dict[str, Any]:
        if response is None:
            return {}  # no answer came
        redact = self.redactor
        return {
            "status": response.status_code,
            "headers": redact.headers({str(k): str(v) for k, v in response.headers.items()}),
            "body": _parsed_or_text(redact.text(response.content.decode("utf-8", "replace"))),
        }


def _parsed_or_text(text: str) -> Any:
    if len(text) > BODY_LIMIT:
        return text[:BODY_LIMIT] + f"... ({len(text) - BODY_LIMIT} more characters)"
    try:
        return json.loads(text)
    except ValueError:
        return text
