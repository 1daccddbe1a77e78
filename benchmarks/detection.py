"""Whole ``cf-conformance run`` invocations: requests to detection per fault, and wall time.

Every run starts its own embedded reference API, exactly as ``cf-conformance run`` without
``--target`` does, with at most one fault switched on.

A read-back fault (C21) shows only in the last phase, so its count includes every request of
the phases before. Those do not depend on the fault (it changes what is applied, not what is
answered), so the same seed's run without read-back says how many of them there are, and
``in_readback`` is what the read-back phase itself needed.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks.figures import median_requests
from conformance.clauses import CLAUSES
from conformance.cli.embedded import embedded_reference
from conformance.run.runner import RunOptions, execute

__all__ = [
    "WITHOUT_READBACK",
    "FaultDetection",
    "RunFigures",
    "detect_fault",
    "requests_before_readback",
    "run_profile",
]

PROFILE = "default"
# The reference API answers in milliseconds: one that has not answered in 2 s never will
# (the hang fault), and waiting out the default 10 s and two retries per request would only
# make the benchmark slow, not the figures different.
LOCAL_TIMEOUT_SECONDS = 2.0
WITHOUT_READBACK = frozenset(c.id for c in CLAUSES.values() if c.number != 21)


@dataclass(frozen=True)
class RunFigures:
    """What one run's JSON report says, plus the wall time of ``execute`` around it."""

    seed: int
    exit_code: int
    requests: int
    first_failure_at: int | None
    failed_clauses: tuple[str, ...]
    seconds: float
    report_seconds: float
    before_readback: int | None = None
    """Requests of the phases before read-back, for a read-back fault's count."""

    @classmethod
    def from_report(
        cls, report: dict[str, Any], *, seed: int, exit_code: int, seconds: float
    ) -> RunFigures:
        stats = report["stats"]
        clauses = sorted({failure["clause"] for failure in report["findings"]})
        return cls(
            seed=seed,
            exit_code=exit_code,
            requests=stats["requests"],
            first_failure_at=stats["first_failure_at"],
            failed_clauses=tuple(clauses),
            seconds=seconds,
            report_seconds=stats["duration_seconds"],
        )

    @property
    def in_readback(self) -> int | None:
        """Requests of the read-back phase up to the first failure, when that is where it was."""
        if not self.detected or self.before_readback is None or self.first_failure_at is None:
            return None
        return self.first_failure_at - self.before_readback

    @property
    def detected(self) -> bool:
        """Exit code 1 is the only proof the run saw the fault; a crash (2, 3) is not."""
        return self.exit_code == 1 and self.first_failure_at is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "exit_code": self.exit_code,
            "requests": self.requests,
            "first_failure_at": self.first_failure_at,
            "in_readback": self.in_readback,
            "failed_clauses": list(self.failed_clauses),
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class FaultDetection:
    fault: str
    clause: str
    runs: tuple[RunFigures, ...]

    @property
    def counts(self) -> list[int | None]:
        return [run.first_failure_at if run.detected else None for run in self.runs]

    @property
    def median(self) -> float | None:
        return median_requests(self.counts)

    @property
    def readback_median(self) -> float | None:
        """The median count within the read-back phase; ``None`` for other faults."""
        if all(run.before_readback is None for run in self.runs):
            return None
        return median_requests([run.in_readback for run in self.runs])

    @property
    def own_clause_failed(self) -> bool:
        """Did every run report a failure under the clause the fault breaks?"""
        return all(self.clause in run.failed_clauses for run in self.runs)

    def to_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "median": self.median,
            "counts": self.counts,
            "readback_median": self.readback_median,
            "own_clause_failed": self.own_clause_failed,
            "runs": [run.to_json() for run in self.runs],
        }


def run_profile(
    seed: int,
    faults: Sequence[str] = (),
    *,
    timeout_seconds: float = LOCAL_TIMEOUT_SECONDS,
    retries: int = 0,
    only: frozenset[str] | None = None,
) -> RunFigures:
    """One ``default`` profile run against a fresh embedded reference API."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as folder:
        report_path = Path(folder) / "report.json"
        options = RunOptions(profile=PROFILE, seed=seed, report_json=report_path, only=only)
        started = time.perf_counter()
        target = embedded_reference(faults, timeout_seconds=timeout_seconds, retries=retries)
        exit_code = execute(options, out=io.StringIO(), embedded=target)
        seconds = time.perf_counter() - started
        if not report_path.exists():
            raise RuntimeError(f"run with faults {list(faults)} wrote no report (exit {exit_code})")
        report = json.loads(report_path.read_text())
    return RunFigures.from_report(report, seed=seed, exit_code=exit_code, seconds=seconds)


def requests_before_readback(seeds: Sequence[int]) -> dict[int, int]:
    """Each seed's requests before the read-back phase: its run with read-back left out."""
    return {seed: run_profile(seed, only=WITHOUT_READBACK).requests for seed in seeds}


def detect_fault(
    fault: str,
    clause: str,
    seeds: Sequence[int],
    *,
    before_readback: Mapping[int, int] | None = None,
    on_run: Callable[[RunFigures], None] = lambda run: None,
) -> FaultDetection:
    """``before_readback`` (seed -> requests) turns on the read-back phase's own counts."""
    runs = []
    for seed in seeds:
        run = run_profile(seed, (fault,))
        if before_readback is not None:
            run = replace(run, before_readback=before_readback[seed])
        on_run(run)
        runs.append(run)
    return FaultDetection(fault=fault, clause=clause, runs=tuple(runs))
