"""One round of the read-back phase: send each lane's writes, then read until settled.

A lane owns its incidents for the round. Its writes go out one after another, each once the
one before was answered; then its incidents are read until each shows what the model expects,
or the deadline passes. Incidents that should not change (refused, left out of the write) are
read only after the lane's applied updates showed, so a write that lands where it should not
has had the same time to land. Lanes run side by side; the incidents no lane named are read
once every lane is done, with nothing else in flight (C21d).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.checks import ConformanceFailure, Exchange, Intent
from conformance.checks.outcome import read_outcome
from conformance.checks.outcome_reading import id_key
from conformance.openapi import BULK_UPDATE_PATH
from conformance.readback import (
    CommentDemand,
    Evidence,
    Expectation,
    Rules,
    SentWrite,
    Snapshot,
    expect,
    failures_of,
    normal_comment,
)
from conformance.readback.plan import Lane, Round
from conformance.run.client import PlannedRequest, StillThrottled
from conformance.run.concurrency import in_index_order
from conformance.run.phases import PhaseContext, Unanswered
from conformance.run.readback_reads import Read, Reader
from conformance.run.reproducer import reproducer
from conformance.sandbox import Incident, expected_outcomes

__all__ = ["Finding", "RoundRunner", "Verdict"]

POLL_FIRST = 0.2
POLL_LONGEST = 1.0
CONFIRM_GAP = 0.3
"""Between the two agreeing reads that say an incident has settled."""


@dataclass(frozen=True)
class Finding:
    failure: ConformanceFailure
    exchange: Exchange


@dataclass
class Verdict:
    """What one incident read back as at the end of a round, and what it broke."""

    incident: str
    snapshot: Snapshot | None
    findings: list[Finding] = field(default_factory=list)
    judged: Expectation | None = None
    writes: tuple[tuple[dict[str, Any], ...], ...] = ()
    """The writes of the lane that named the incident; none for an incident no lane named."""
    reproducers: tuple[str, ...] = ()
    """The redacted reproducers of those writes that were answered, in the order sent."""


class RoundRunner:
    def __init__(
        self,
        context: PhaseContext,
        reader: Reader,
        rules: Rules,
        incidents: Mapping[str, Incident],
        *,
        deadline: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.context, self.reader, self.rules = context, reader, rules
        self.incidents, self.deadline, self.clock = incidents, deadline, clock
        self.write_failures: list[Finding] = []
        self._lock = threading.Lock()

    def run(self, plan: Round, settled: Mapping[str, Snapshot]) -> list[Verdict]:
        """Send and judge ``plan``; one verdict per incident it judged, in plan order."""
        comments = {i: _comments(lane, i) for lane in plan.lanes for i in lane.incidents}
        everything = frozenset().union(*comments.values()) if comments else frozenset()
        verdicts: list[list[Verdict]] = [[] for _ in plan.lanes]

        def lane_task(index: int) -> None:
            lane = plan.lanes[index]
            verdicts[index] = self._lane(lane, settled, everything, comments)

        in_index_order(
            self.context.pool, lane_task, len(plan.lanes), threads=self.context.concurrency
        )
        quiet: list[Verdict | None] = [None] * len(plan.quiet)

        def quiet_task(index: int) -> None:
            incident_id = plan.quiet[index]
            expectation = expect(
                incident_id, settled[incident_id], (), self.rules, other_comments=everything
            )
            quiet[index] = self._judge_once(incident_id, expectation, {}, self.clock())

        in_index_order(
            self.context.pool, quiet_task, len(plan.quiet), threads=self.context.concurrency
        )
        return [v for lane in verdicts for v in lane] + [v for v in quiet if v is not None]

    def _lane(
        self,
        lane: Lane,
        settled: Mapping[str, Snapshot],
        everything: frozenset[str],
        comments: Mapping[str, frozenset[str]],
    ) -> list[Verdict]:
        sent: list[SentWrite] = []
        shown: dict[int, str] = {}
        answered = self.clock()
        for index, items in enumerate(lane.writes):
            outcomes, exchange = self._write(items)
            sent.append(SentWrite(index, items, outcomes))
            if exchange is not None:
                shown[index] = reproducer(exchange.request, self.context.recorder.redactor)
            answered = self.clock()
        expectations = {
            incident_id: expect(
                incident_id,
                settled[incident_id],
                sent,
                self.rules,
                other_comments=everything - comments[incident_id],
            )
            for incident_id in lane.incidents
            if incident_id in settled
        }
        verdicts = []
        # Applied updates first: the incidents that must not change are read once they show.
        order = sorted(expectations, key=lambda i: not _applies(expectations[i]))
        for incident_id in order:
            expectation = expectations[incident_id]
            if expectation is None:
                verdicts.append(Verdict(incident_id, None))
            elif _applies(expectation):
                verdicts.append(self._poll(incident_id, expectation, shown, answered))
            else:
                verdicts.append(self._judge_once(incident_id, expectation, shown, answered))
        for verdict in verdicts:
            verdict.writes = lane.writes
            verdict.reproducers = tuple(shown[index] for index in sorted(shown))
        return verdicts

    def _write(self, items: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], Exchange | None]:
        target = self.context.client.target
        body = {"items": list(items)}
        explicit_null = any(value is None for item in items for value in item.values())
        planned = PlannedRequest(
            "POST",
            BULK_UPDATE_PATH,
            {
                "Content-Type": "application/json",
                "Accept": "application/json, application/problem+json",
                "Authorization": target.writer.authorization(),
            },
            json.dumps(body, ensure_ascii=False).encode("utf-8"),
        )
        intent = Intent(
            auth="valid",
            body="unknown" if explicit_null else "valid",
            expected=expected_outcomes(target.sandbox, items),
        )
        ids = [str(item["id"]) for item in items]
        try:
            exchange = self.context.send(planned, intent)
        except (StillThrottled, Unanswered):
            return dict.fromkeys(ids), None
        failures = self.context.recorder.evaluate(exchange)
        with self._lock:
            self.write_failures += [Finding(failure, exchange) for failure in failures]
        return _outcomes(exchange, ids), exchange

    def _poll(
        self, incident_id: str, expectation: Expectation, shown: dict[int, str], answered: float
    ) -> Verdict:
        """Read until the incident shows what it should and a second read agrees, or until
        the deadline; judge the last read."""
        incident = self.incidents[incident_id]
        wait = POLL_FIRST
        last: Read | None = None
        while True:
            read = self.reader.read(incident)
            if read is None:
                return Verdict(incident_id, None)
            waited = self.clock() - answered
            met = expectation.met_by(read.snapshot)
            if met and last is not None and last.snapshot == read.snapshot:
                break  # settled: two reads a little apart agree
            if waited >= self.deadline:
                break
            last = read
            self.context.client.pause(CONFIRM_GAP if met else min(wait, self.deadline - waited))
            wait = min(wait * 1.5, POLL_LONGEST)
        return self._verdict(incident_id, expectation, read, shown, waited)

    def _judge_once(
        self, incident_id: str, expectation: Expectation | None, shown: dict[int, str], since: float
    ) -> Verdict:
        read = self.reader.read(self.incidents[incident_id])
        if read is None or expectation is None:
            return Verdict(incident_id, None)
        return self._verdict(incident_id, expectation, read, shown, self.clock() - since)

    def _verdict(
        self,
        incident_id: str,
        expectation: Expectation,
        read: Read,
        shown: dict[int, str],
        waited: float,
    ) -> Verdict:
        evidence = Evidence(
            incident=incident_id,
            writes=shown,
            read=reproducer(read.exchange.request, self.context.recorder.redactor),
            waited_seconds=waited,
            deadline_seconds=self.deadline,
        )
        failures = failures_of(expectation, read.snapshot, evidence)
        recorder = self.context.recorder
        # Counted when judged, not when the phase reports: how soon a run sees the fault. The
        # model judges no relaxed clause (``Rules.relaxed``), so only the selection is asked.
        if any(recorder.selects(f.clause) for f in failures):
            recorder.mark_failing()
        return Verdict(
            incident_id,
            read.snapshot,
            [Finding(failure, read.exchange) for failure in failures],
            expectation,
        )


def _applies(expectation: Expectation | None) -> bool:
    """Does the expectation wait for an accepted update to show?"""
    if expectation is None:
        return False
    return any(
        d.write is not None and d.clause == "C21a" for d in expectation.fields.values()
    ) or any(isinstance(d, CommentDemand) and d.present for d in expectation.comments)


def _comments(lane: Lane, incident_id: str) -> frozenset[str]:
    return frozenset(
        normal_comment(item["comment"])
        for items in lane.writes
        for item in items
        if item.get("id") == incident_id and isinstance(item.get("comment"), str)
    )


def _outcomes(exchange: Exchange, ids: list[str]) -> dict[str, Any]:
    """Each id's outcome as the answer gave it; ``None`` where it did not decide one."""
    view = read_outcome(exchange)
    if view is None:
        return dict.fromkeys(ids)
    places: dict[str, set[str]] = {}
    for answer in view.answers:
        if answer.key is not None:
            places.setdefault(answer.key, set()).add(answer.outcome)
    outcomes: dict[str, Any] = {}
    for incident_id in ids:
        found = places.get(id_key(incident_id), set())
        outcomes[incident_id] = next(iter(found)) if len(found) == 1 else None
    return outcomes
