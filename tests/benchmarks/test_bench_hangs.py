"""The hang benchmark's figures: each C22 fault's run next to the clean one."""

from __future__ import annotations

from benchmarks.detection import RunFigures
from benchmarks.hangs import HANG_FAULTS, HangCost
from conformance.reference import FAULTS


def _run(seconds: float, exit_code: int = 1, clauses: tuple[str, ...] = ("C22",)) -> RunFigures:
    return RunFigures(
        seed=1,
        exit_code=exit_code,
        requests=500,
        first_failure_at=3 if clauses else None,
        failed_clauses=clauses,
        seconds=seconds,
        report_seconds=seconds,
    )


def test_every_c22_fault_is_measured() -> None:
    assert set(HANG_FAULTS) == {name for name, fault in FAULTS.items() if fault.clause == "C22"}
    assert {"hang-on-array-body", "hang-on-unassign"} <= set(HANG_FAULTS)


def test_the_ratio_is_the_faulty_run_over_the_clean_one() -> None:
    cost = HangCost(_run(20.0, 0, ()), {"hang-on-unassign": _run(45.0)})
    assert cost.ratio("hang-on-unassign") == 2.25
    assert cost.to_json() == {
        "timeout_seconds": 10.0,
        "retries": 2,
        "clean_seconds": 20.0,
        "faults": {
            "hang-on-unassign": {
                "seconds": 45.0,
                "ratio": 2.25,
                "exit_code": 1,
                "failed_clauses": ["C22"],
            }
        },
    }
