"""Verdicts: the failures a settled read shows against its expectation (C21a to C21e).

A failure names the field, what the last read showed, what the write set and how long the
suite waited, with both reproducers; its title and ``At`` name no id and no value, so one bug
is one finding whatever the seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from conformance.checks import ConformanceFailure
from conformance.checks.failure import render
from conformance.readback.model import CommentDemand, Demand, Expectation, Snapshot, Value

__all__ = ["CHECK_NAMES", "Evidence", "failures_of"]

CHECK_NAMES: Mapping[str, str] = {
    "C21a": "applied_conformance",
    "C21b": "omitted_field_conformance",
    "C21c": "forbidden_untouched_conformance",
    "C21d": "unnamed_untouched_conformance",
    "C21e": "later_write_conformance",
}


@dataclass(frozen=True)
class Evidence:
    """What a finding shows besides the values: the writes, the last read, the wait.

    ``writes`` maps a write's index to its redacted reproducer; ``read`` is the last read's.
    """

    incident: str
    writes: Mapping[int, str]
    read: str
    waited_seconds: float
    deadline_seconds: float


def failures_of(
    expectation: Expectation, snapshot: Snapshot, evidence: Evidence
) -> list[ConformanceFailure]:
    """One failure per demand the last read ``snapshot`` breaks."""
    failures = []
    for name, demand in expectation.unmet(snapshot):
        if isinstance(demand, Demand):
            failures.append(_field_failure(name, demand, snapshot.fields.get(name), evidence))
        else:
            failures.append(_comment_failure(demand, evidence))
    return failures


def _field_failure(
    name: str, demand: Demand, value: Value, evidence: Evidence
) -> ConformanceFailure:
    clause = "C21e" if demand.replaced_by_older(value) else demand.clause
    titles = {
        "C21a": f"Accepted update not applied within {evidence.deadline_seconds:g} s",
        "C21b": "Field the update left out changed",
        "C21c": "Update answered as forbidden changed the incident (authorisation bypass)",
        "C21d": "Incident no request named changed",
        "C21e": "Earlier write won over a later one",
    }
    reasons = {
        "C21a": "what the accepted update set",
        "C21b": "what it read before the update, which left it out or sent null",
        "C21c": "what it read before: the update was answered as forbidden",
        "C21d": "what it read before: no request of the round named this incident",
        "C21e": "the later write's value",
    }
    return ConformanceFailure(
        clause=clause,
        check=CHECK_NAMES[clause],
        title=titles[clause],
        received=f"{name} = {render(value)} in the last read of {evidence.incident}, "
        f"{_waited(evidence)}; last read: {evidence.read}",
        expected=f"{name} = {_one_of(demand.allowed)} ({reasons[clause]})"
        + _write(demand.write, evidence),
        path=f"readback.fields.{name}",
    )


def _comment_failure(demand: CommentDemand, evidence: Evidence) -> ConformanceFailure:
    titles = {
        "C21a": f"Accepted comment not among the incident's comments within "
        f"{evidence.deadline_seconds:g} s",
        "C21c": "Comment of an update answered as forbidden was added (authorisation bypass)",
        "C21d": "Comment sent to another incident was added to this one",
    }
    shown = _one_of(frozenset(demand.any_of))
    expected = f"a comment {shown} among the comments" if demand.present else f"no comment {shown}"
    return ConformanceFailure(
        clause=demand.clause,
        check=CHECK_NAMES[demand.clause],
        title=titles[demand.clause],
        received=f"{'no such comment' if demand.present else 'the comment'} in the last read of "
        f"{evidence.incident}, {_waited(evidence)}; last read: {evidence.read}",
        expected=expected + _write(demand.write, evidence),
        path="readback.comments",
    )


def _waited(evidence: Evidence) -> str:
    return f"{evidence.waited_seconds:.1f} s after the write was answered"


def _write(index: int | None, evidence: Evidence) -> str:
    if index is None or index not in evidence.writes:
        return ""
    return f"; the write: {evidence.writes[index]}"


def _one_of(values: frozenset[Value]) -> str:
    shown = sorted(render(value) for value in values)
    return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)
