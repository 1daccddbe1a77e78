"""Narrowing a read-back failure down to its own incident's writes, sent again alone.

A round sends many writes side by side, and a failure names one incident. Its lane's items
that name that incident are sent again, on their own and in the same order, once the
incident has settled. Either the failure shows again, so those one or two writes are all it
takes, or it does not, so it needed the rest of its round or does not happen every time (a
queue that loses one message in three looks like that). Each finding says which. A failure
on an incident no write named (C21d) has no writes of its own to send, so it is not narrowed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conformance.checks import ConformanceFailure
from conformance.readback import Snapshot
from conformance.readback.plan import Lane, Round
from conformance.run.readback_rounds import Finding, RoundRunner, Verdict

__all__ = ["MOST_NARROWED", "Narrowed", "narrow", "to_narrow"]

MOST_NARROWED = 5
"""Failures sent again at most per run: each costs a wait for the server to apply."""

Writes = tuple[tuple[dict[str, Any], ...], ...]


@dataclass(frozen=True)
class Narrowed:
    verdict: Verdict
    """The failing verdict of the round."""
    again: Verdict | None
    """The verdict of the writes sent again alone; ``None`` when the incident never settled."""

    def note(self) -> str:
        writes = alone(self.verdict.writes, self.verdict.incident)
        sent = _count(len(writes), "request") + " of " + _count(sum(map(len, writes)), "item")
        incident = self.verdict.incident
        if self.again is None or self.again.snapshot is None:
            return f"not sent again alone: {incident} did not settle"
        clauses = {finding.failure.clause for finding in self.verdict.findings}
        if any(finding.failure.clause in clauses for finding in self.again.findings):
            again = f"sent again alone ({sent}, naming only {incident}), it failed again"
            if not self.again.reproducers:
                return again
            which = "the write" if len(self.again.reproducers) == 1 else "the writes"
            return f"{again}; {which} alone: " + "; then ".join(self.again.reproducers)
        items = sum(map(len, self.verdict.writes))
        round_ = _count(len(self.verdict.writes), "request") + " of " + _count(items, "item")
        return (
            f"sent again alone ({sent}, naming only {incident}), it did not fail: it needed "
            f"the rest of its lane ({round_}) and round, or it does not happen every time"
        )

    def findings(self) -> list[Finding]:
        """The round's findings, each saying what sending its writes again alone showed."""
        note = self.note()
        return [Finding(_noted(f.failure, note), f.exchange) for f in self.verdict.findings]


def to_narrow(
    verdicts: Sequence[Verdict], *, selects: Callable[[str], bool], can_read: Callable[[str], bool]
) -> list[Verdict]:
    """The failing verdicts worth sending again: one per clause and field, one per incident,
    each with writes naming its incident, at most ``MOST_NARROWED``."""
    chosen: list[Verdict] = []
    kinds: set[tuple[str, str]] = set()
    incidents: set[str] = set()
    for verdict in verdicts:
        found = {(f.failure.clause, f.failure.path) for f in verdict.findings}
        found = {kind for kind in found if selects(kind[0])}
        if not found or found <= kinds or verdict.incident in incidents:
            continue
        if not alone(verdict.writes, verdict.incident) or not can_read(verdict.incident):
            continue
        chosen.append(verdict)
        kinds |= found
        incidents.add(verdict.incident)
        if len(chosen) == MOST_NARROWED:
            break
    return chosen


def narrow(
    rounds: RoundRunner, chosen: Sequence[Verdict], settled: Mapping[str, Snapshot]
) -> list[Narrowed]:
    """Send each chosen verdict's writes again alone, side by side: a lane per incident."""
    ready = [verdict for verdict in chosen if verdict.incident in settled]
    lanes = tuple(Lane(alone(v.writes, v.incident), (v.incident,)) for v in ready)
    again = {v.incident: v for v in rounds.run(Round(lanes, ()), settled)} if lanes else {}
    return [Narrowed(verdict, again.get(verdict.incident)) for verdict in chosen]


def alone(writes: Writes, incident_id: str) -> Writes:
    """The items of ``writes`` that name ``incident_id``, a comment made new so that the one
    the first write added is not taken for it; writes left empty are dropped."""
    kept = tuple(
        tuple(_again(item) for item in items if item.get("id") == incident_id) for items in writes
    )
    return tuple(items for items in kept if items)


def _again(item: dict[str, Any]) -> dict[str, Any]:
    comment = item.get("comment")
    if isinstance(comment, str) and comment.strip():
        return {**item, "comment": f"{comment} (sent again)"}
    return item


def _noted(failure: ConformanceFailure, note: str) -> ConformanceFailure:
    return ConformanceFailure(
        clause=failure.clause,
        check=failure.check,
        title=failure.title,
        received=f"{failure.received}; {note}",
        expected=failure.expected,
        path=failure.path,
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
