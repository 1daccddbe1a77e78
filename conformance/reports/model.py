"""What a run found, in a form every report writer renders (console, JSON, Markdown, JUnit)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["ClauseResult", "ClauseStatus", "FailureRecord", "RunReport"]

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


@dataclass(frozen=True)
class FailureRecord:
    """One failure, already redacted: safe to print, write and upload."""

    clause: str
    check: str
    message: str
    phase: str
    request: dict[str, Any]
    response: dict[str, Any]
    curl: str
    seed: int


@dataclass
class RunReport:
    target: str
    base_url: str
    profile: str
    seed: int
    clauses: list[ClauseResult] = field(default_factory=list)
    failures: list[FailureRecord] = field(default_factory=list)
    requests: int = 0
    retried_429: int = 0
    retried_network: int = 0
    duration_seconds: float = 0.0
    first_failure_at: int | None = None
    """Requests judged up to and including the first failing one; None when none failed."""
    aborted: str | None = None
    """Why the run stopped early (unreachable target, budget...); the report is partial."""
    notes: list[str] = field(default_factory=list)
    rerun: str = ""
    """The command that repeats this run (same target, profile and seed)."""

    @property
    def passed(self) -> bool:
        return self.aborted is None and not self.failures

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "base_url": self.base_url,
            "profile": self.profile,
            "seed": self.seed,
            "passed": self.passed,
            "aborted": self.aborted,
            "clauses": [asdict(clause) for clause in self.clauses],
            "failures": [asdict(failure) for failure in self.failures],
            "stats": {
                "requests": self.requests,
                "retried_429": self.retried_429,
                "retried_network": self.retried_network,
                "duration_seconds": round(self.duration_seconds, 3),
                "first_failure_at": self.first_failure_at,
            },
            "notes": list(self.notes),
            "rerun": self.rerun,
        }
