"""Reading a run's JSON report into detection figures; no run is started here."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from benchmarks.detection import FaultDetection, RunFigures


def report(first_failure_at: int | None, *clauses: str) -> dict[str, Any]:
    return {
        "passed": not clauses,
        "findings": [{"clause": clause, "check": "x"} for clause in clauses],
        "stats": {"requests": 518, "first_failure_at": first_failure_at, "duration_seconds": 7.9},
    }


def run(seed: int, exit_code: int, first_failure_at: int | None, *clauses: str) -> RunFigures:
    return RunFigures.from_report(
        report(first_failure_at, *clauses), seed=seed, exit_code=exit_code, seconds=8.25
    )


def test_a_report_becomes_run_figures() -> None:
    figures = run(3, 1, 25, "C7", "C1", "C7")
    assert figures == RunFigures(
        seed=3,
        exit_code=1,
        requests=518,
        first_failure_at=25,
        failed_clauses=("C1", "C7"),
        seconds=8.25,
        report_seconds=7.9,
    )
    assert figures.to_json() == {
        "seed": 3,
        "exit_code": 1,
        "requests": 518,
        "first_failure_at": 25,
        "in_readback": None,
        "failed_clauses": ["C1", "C7"],
        "seconds": 8.25,
    }


@pytest.mark.parametrize(
    ("figures", "detected"),
    [
        pytest.param(run(1, 1, 25, "C1"), True, id="failed-run"),
        pytest.param(run(1, 0, None), False, id="passed-run"),
        pytest.param(run(1, 3, 40), False, id="unreachable-is-not-detection"),
        pytest.param(run(1, 2, None), False, id="usage-error"),
    ],
)
def test_only_exit_code_1_counts_as_detection(figures: RunFigures, detected: bool) -> None:
    assert figures.detected is detected


def test_a_fault_median_treats_missed_seeds_as_never() -> None:
    detection = FaultDetection(
        "no-meta",
        "C1",
        (run(1, 1, 25, "C1"), run(2, 0, None), run(3, 1, 30, "C1")),
    )
    assert detection.counts == [25, None, 30]
    assert detection.median == 30
    assert detection.own_clause_failed is False
    assert detection.to_json()["median"] == 30
    assert detection.readback_median is None


def test_a_read_back_fault_counts_the_requests_of_its_own_phase_too() -> None:
    runs = tuple(
        replace(run(seed, exit_code, first, "C21a"), before_readback=500)
        for seed, exit_code, first in ((1, 1, 530), (2, 1, 512), (3, 0, None))
    )
    detection = FaultDetection("stale-reads", "C21a", runs)
    assert [r.in_readback for r in runs] == [30, 12, None]
    assert detection.median == 530
    assert detection.readback_median == 30
    assert detection.to_json()["readback_median"] == 30


def test_own_clause_failed_needs_the_fault_clause_in_every_run() -> None:
    runs = (run(1, 1, 9, "C20", "C19"), run(2, 1, 12, "C20"))
    assert FaultDetection("accept-foreign", "C20", runs).own_clause_failed is True
    assert FaultDetection("empty-reason", "C19", runs).own_clause_failed is False
