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
from conformance.reports.identity import Identity

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
    """Every failure of the run with one fingerprint: one defect."""

    identity: Identity
    kinds: dict[str, int]
    """The kinds of request that showed it (a probe's or a property's name, the phase for
    fuzzing), each with how many failures it showed, in the order they were first seen."""
    example: FailureRecord
    """The minimal example: the smallest failing request seen."""
    replay: Replay | None = None
    status: FindingStatus = "new"
    baseline: BaselineEntry | None = None
    """The baseline entry with this fingerprint, expired or not."""

    @property
    def fingerprint(self) -> str:
        return self.identity.fingerprint

    @property
    def clause(self) -> str:
        return self.identity.clause

    @property
    def check(self) -> str:
        return self.identity.check

    @property
    def title(self) -> str:
        return self.identity.title

    @property
    def at(self) -> str:
        return self.identity.at

    @property
    def count(self) -> int:
        return sum(self.kinds.values())

    @property
    def summary(self) -> str:
        return self.identity.summary

    @property
    def kinds_line(self) -> str:
        """``probe: null id (2), property: invalid bulk updates (1)``."""
        return ", ".join(f"{kind} ({count})" for kind, count in self.kinds.items())

    @property
    def legacy_fingerprints(self) -> frozenset[str]:
        """What version 1 of the recipe called this finding: one fingerprint per kind."""
        return frozenset(self.identity.legacy_fingerprint(kind) for kind in self.kinds)

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
        identity = Identity(
            clause=data["clause"],
            check=data["check"],
            title=data["title"],
            at=data["at"],
            variant=data.get("variant", ""),
        )
        return cls(
            identity=identity,
            kinds={kind["kind"]: kind["count"] for kind in data["kinds"]},
            example=FailureRecord(**{name: data[name] for name in RECORD_FIELDS}),
            replay=None if replay is None else Replay(**replay),
            status=status,
            baseline=None if entry is None else BaselineEntry.from_json(entry),
        )

    def to_json(self, today: date) -> dict[str, Any]:
        example = self.example
        return {
            **self.identity.to_json(),
            "status": self.status,
            "count": self.count,
            "kinds": [{"kind": kind, "count": count} for kind, count in self.kinds.items()],
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

    identity: Identity
    legacy_fingerprints: frozenset[str] = frozenset()
    """Its fingerprints as an older report gave them, when that report used version 1 of
    the recipe (one per kind of request); triage matches on them too."""

    @property
    def fingerprint(self) -> str:
        return self.identity.fingerprint

    @property
    def clause(self) -> str:
        return self.identity.clause

    @property
    def summary(self) -> str:
        return self.identity.summary

    def to_json(self) -> dict[str, str]:
        return self.identity.to_json()


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
    translated: list[tuple[BaselineEntry, str]] = field(default_factory=list)
    """Entries written with version 1 of the fingerprint recipe that matched a finding, each
    with the finding's fingerprint now: the entry should be given that one."""

    def translated_note(self, entry: BaselineEntry, fingerprint: str) -> str:
        return (
            f"baseline entry {entry.name} has a fingerprint of the older recipe "
            f"({entry.fingerprint}); it matched the finding {fingerprint}: replace its "
            f"fingerprint with {fingerprint}, or rewrite the file with --write-baseline"
        )

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
            "baseline_translated": [
                {**entry.to_json(self.today), "fingerprint_now": fingerprint}
                for entry, fingerprint in self.translated
            ],
        }
