"""What a run found, in a form every report writer renders (console, JSON, Markdown, JUnit)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from conformance.reports.failure_record import FailureRecord
from conformance.reports.findings import Finding, Triage

__all__ = ["REPORT_SCHEMA_VERSION", "ClauseResult", "ClauseStatus", "FailureRecord", "RunReport"]

REPORT_SCHEMA_VERSION = 2
"""The version of the JSON report's shape (docs/report-schema.md): any change to a key's
name, meaning or type makes a new version; so does removing a key. Adding one does not."""

ClauseStatus = Literal["passed", "failed", "skipped"]


@dataclass
class ClauseResult:
    clause: str
    title: str
    status: ClauseStatus
    checked: int = 0
    """Exchanges this clause was checked on."""
    failures: int = 0
    reason: str = ""
    """Why the clause was skipped (or relaxed); empty when it ran."""


@dataclass
class RunReport:
    target: str
    base_url: str
    profile: str
    seed: int
    concurrency: int = 1
    """Requests in flight at once; with the seed, it fixes the requests a run sends."""
    clauses: list[ClauseResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """One per fingerprint, in the order they were first seen."""
    triage: Triage = field(default_factory=Triage)
    requests: int = 0
    retried_429: int = 0
    retried_network: int = 0
    duration_seconds: float = 0.0
    first_failure_at: int | None = None
    """Requests judged up to and including the first failing one; None when none failed."""
    aborted: str | None = None
    """Why the run stopped early (unreachable target, budget...); the report is partial."""
    refused_credential: str | None = None
    """The configured credential the target started refusing during the run (``auth.writer``),
    which stopped it: a fault of the set-up, not of the server."""
    cut_short: str | None = None
    """Why the run's time budget ran out, and what it left undone; the report is partial."""
    skipped_requests: int = 0
    """Generated requests not sent: shaped like one the target left unanswered (C22)."""
    notes: list[str] = field(default_factory=list)
    rerun: str = ""
    """The command that repeats this run (same target, profile and seed)."""

    @property
    def failing(self) -> list[Finding]:
        """The findings that fail the run: not known, and not flaky under ``flaky = "warn"``."""
        return [f for f in self.findings if f.fails_run(self.triage.flaky_policy)]

    @property
    def passed(self) -> bool:
        return (
            self.aborted is None
            and self.cut_short is None
            and not self.failing
            and not self.triage.expired
        )

    @property
    def verdict(self) -> str:
        """One line: how the run ended, as the console and the Markdown report open."""
        if self.aborted:
            return f"ABORTED (partial): {self.aborted}"
        if self.cut_short:
            found = f"; {len(self.failing)} failing finding(s)" if self.failing else ""
            return f"CUT SHORT (partial): {self.cut_short}{found}"
        expired = len(self.triage.expired)
        if self.failing:
            also = f"; {expired} baseline entry(ies) expired" if expired else ""
            return f"NOT CONFORMING: {len(self.failing)} failing finding(s){also}"
        if expired:
            return f"FAILED: {expired} baseline entry(ies) expired"
        if not self.findings:
            return "CONFORMING"
        tolerated = []
        known = sum(f.status == "known" for f in self.findings)
        if known:
            tolerated.append(f"{known} known (baseline)")
        flaky = len(self.findings) - known
        if flaky:
            tolerated.append(f'{flaky} flaky (flaky = "warn")')
        return f"PASSED WITH KNOWN FAILURES: {', '.join(tolerated)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "target": self.target,
            "base_url": self.base_url,
            "profile": self.profile,
            "seed": self.seed,
            "concurrency": self.concurrency,
            "passed": self.passed,
            "aborted": self.aborted,
            "refused_credential": self.refused_credential,
            "cut_short": self.cut_short,
            "clauses": [asdict(clause) for clause in self.clauses],
            "triage": self.triage.to_json(self.findings),
            "findings": [finding.to_json(self.triage.today) for finding in self.findings],
            "stats": {
                "requests": self.requests,
                "retried_429": self.retried_429,
                "retried_network": self.retried_network,
                "duration_seconds": round(self.duration_seconds, 3),
                "first_failure_at": self.first_failure_at,
                "skipped_requests": self.skipped_requests,
            },
            "notes": list(self.notes),
            "rerun": self.rerun,
        }
