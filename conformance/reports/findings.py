"""Findings: failures grouped by fingerprint, and what nightly triage says about each of them.

A finding is every failure of a run that shares one fingerprint (``conformance.triage``): one
defect, counted, with one minimal example. Triage then gives it a status against the previous
run and the baseline of known failures. Everything here is plain data for the report writers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Literal

from conformance.reports.failure_record import FailureRecord

__all__ = [
    "FINDING_STATUSES",
    "BaselineEntry",
    "Finding",
    "FindingStatus",
    "FlakyPolicy",
    "PastFinding",
    "Replay",
    "Triage",
]

FindingStatus = Literal["new", "still-failing", "flaky", "known"]
FINDING_STATUSES: tuple[FindingStatus, ...] = ("new", "still-failing", "flaky", "known")
FlakyPolicy = Literal["fail", "warn"]
RECORD_FIELDS = tuple(f.name for f in fields(FailureRecord))


@dataclass(frozen=True)
class BaselineEntry:
    """One ``[[known]]`` table of a baseline file: a failure accepted until ``expires``."""

    index: int
    """Its position in the file, from 0: the entry is named ``known[index]``."""
    fingerprint: str
    reason: str
    reference: str
    """An issue link or key."""
    expires: date
    """The entry covers findings before this day; from this day on it has expired."""
    summary: str = ""
    """What the fingerprint stood for when the entry was written (informational)."""

    @property
    def name(self) -> str:
        return f"known[{self.index}]"

    def expired(self, today: date) -> bool:
        return today >= self.expires

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BaselineEntry:
        return cls(
            index=int(str(data["entry"]).removeprefix("known[").removesuffix("]")),
            fingerprint=data["fingerprint"],
            reason=data["reason"],
            reference=data["reference"],
            expires=date.fromisoformat(data["expires"]),
            summary=data.get("summary", ""),
        )

    def to_json(self, today: date) -> dict[str, Any]:
        return {
            "entry": self.name,
            "fingerprint": self.fingerprint,
            "reason": self.reason,
            "reference": self.reference,
            "expires": self.expires.isoformat(),
            "expired": self.expired(today),
            "summary": self.summary,
        }


@dataclass(frozen=True)
class Replay:
    """What re-sending a finding's minimal example after the run showed."""

    attempts: int
    """Times the example was sent again (up to 3; fewer once it reproduced)."""
    reproduced: bool
    note: str = ""
    """Why it was replayed fewer times than planned, or not at all."""

    @property
    def flaky(self) -> bool:
        """Replayed, and not one replay showed the failure again."""
        return self.attempts > 0 and not self.reproduced

    def describe(self) -> str:
        if self.reproduced:
            text = f"reproduced at replay {self.attempts}"
        elif self.attempts:
            text = f"did not reproduce in {self.attempts} replay(s): flaky"
        else:
            text = "not replayed"
        return f"{text} ({self.note})" if self.note else text


@dataclass
class Finding:
    """Every failure of the run with one fingerprint."""

    fingerprint: str
    clause: str
    check: str
    title: str
    at: str
    """The ``At`` path with its indices and ids normalised (``$.data.forbidden[*].reason``)."""
    kind: str
    """The kind of request: the probe's name or the property's name."""
    count: int
    example: FailureRecord
    """The minimal example: the smallest failing request seen."""
    replay: Replay | None = None
    status: FindingStatus = "new"
    baseline: BaselineEntry | None = None
    """The baseline entry with this fingerprint, expired or not."""

    @property
    def summary(self) -> str:
        return f"[{self.clause}] {self.title} at {self.at} ({self.kind})"

    def fails_run(self, policy: FlakyPolicy) -> bool:
        if self.status == "known":
            return False
        return not (self.status == "flaky" and policy == "warn")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        """A finding as ``to_json`` wrote it (a JSON report read back)."""
        status = data["status"]
        if status not in FINDING_STATUSES:
            raise ValueError(f"unknown finding status {status!r}")
        replay, entry = data.get("replay"), data.get("baseline")
        return cls(
            fingerprint=data["fingerprint"],
            clause=data["clause"],
            check=data["check"],
            title=data["title"],
            at=data["at"],
            kind=data["kind"],
            count=data["count"],
            example=FailureRecord(**{name: data[name] for name in RECORD_FIELDS}),
            replay=None if replay is None else Replay(**replay),
            status=status,
            baseline=None if entry is None else BaselineEntry.from_json(entry),
        )

    def to_json(self, today: date) -> dict[str, Any]:
        example = self.example
        return {
            "fingerprint": self.fingerprint,
            "status": self.status,
            "clause": self.clause,
            "check": self.check,
            "title": self.title,
            "at": self.at,
            "kind": self.kind,
            "count": self.count,
            "baseline": None if self.baseline is None else self.baseline.to_json(today),
            "replay": None
            if self.replay is None
            else {
                "attempts": self.replay.attempts,
                "reproduced": self.replay.reproduced,
                "note": self.replay.note,
            },
            # The minimal example, as every failure record has it.
            "phase": example.phase,
            "message": example.message,
            "request": example.request,
            "response": example.response,
            "curl": example.curl,
            "seed": example.seed,
        }


@dataclass(frozen=True)
class PastFinding:
    """A finding of the previous run's report, as far as triage needs it."""

    fingerprint: str
    clause: str
    check: str
    title: str
    at: str
    kind: str

    @property
    def summary(self) -> str:
        return f"[{self.clause}] {self.title} at {self.at} ({self.kind})"

    def to_json(self) -> dict[str, str]:
        return {
            "fingerprint": self.fingerprint,
            "clause": self.clause,
            "check": self.check,
            "title": self.title,
            "at": self.at,
            "kind": self.kind,
        }


@dataclass
class Triage:
    """What the run's findings mean against the previous run and the baseline."""

    today: date = field(default_factory=date.today)
    flaky_policy: FlakyPolicy = "fail"
    previous: str | None = None
    """The previous report compared with (its path and run), or None."""
    baseline: str | None = None
    """The baseline file applied, or None."""
    fixed: list[PastFinding] = field(default_factory=list)
    """Findings of the previous run that this run checked for and did not see."""
    unchecked: list[PastFinding] = field(default_factory=list)
    """Findings of the previous run that this run could not look for (clause not checked,
    or the run did not complete): neither fixed nor failing."""
    unseen: list[BaselineEntry] = field(default_factory=list)
    """Unexpired baseline entries that matched nothing: possibly fixed."""
    expired: list[BaselineEntry] = field(default_factory=list)
    """Expired baseline entries: each one fails the run."""
    expired_matched: set[str] = field(default_factory=set)
    """Fingerprints of the expired entries that matched a finding of this run."""

    def counts(self, findings: list[Finding]) -> dict[str, int]:
        counts = dict.fromkeys(FINDING_STATUSES, 0)
        for finding in findings:
            counts[finding.status] += 1
        return {
            "new": counts["new"],
            "still-failing": counts["still-failing"],
            "fixed": len(self.fixed),
            "flaky": counts["flaky"],
            "known": counts["known"],
        }

    def counts_line(self, findings: list[Finding]) -> str:
        counts = self.counts(findings)
        text = (
            f"{counts['new']} new, {counts['still-failing']} still failing, "
            f"{counts['fixed']} fixed, {counts['flaky']} flaky, {counts['known']} known"
        )
        if self.previous is None:
            return f"{text} (no previous report: every finding counts as new)"
        return f"{text} (since {self.previous})"

    def expired_note(self, entry: BaselineEntry) -> str:
        seen = (
            "it matched a finding of this run"
            if entry.fingerprint in self.expired_matched
            else "nothing matched it this run: remove it"
        )
        return (
            f"baseline entry {entry.name} (fingerprint {entry.fingerprint}, {entry.reference}) "
            f"expired on {entry.expires.isoformat()}; {seen}"
        )

    def to_json(self, findings: list[Finding]) -> dict[str, Any]:
        return {
            "counts": self.counts(findings),
            "previous": self.previous,
            "baseline": self.baseline,
            "flaky_policy": self.flaky_policy,
            "fixed": [past.to_json() for past in self.fixed],
            "unchecked": [past.to_json() for past in self.unchecked],
            "baseline_not_seen": [entry.to_json(self.today) for entry in self.unseen],
            "baseline_expired": [
                {**entry.to_json(self.today), "matched": entry.fingerprint in self.expired_matched}
                for entry in self.expired
            ],
        }
