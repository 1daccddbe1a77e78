"""``pytest --cf-run``: what a clause item shows, read from the run's JSON report."""

from __future__ import annotations

from typing import Any

from conformance.clauses import CLAUSES
from conformance.pytest_plugin.clause_items import RunResult, clause_failure_text

CURL = "curl -sS -X POST http://127.0.0.1:9/x -H 'Authorization: Basic [REDACTED]'"


def _failure(clause: str, check: str, phase: str, message: str) -> dict[str, Any]:
    return {
        "fingerprint": f"{len(message):016x}",
        "status": "new",
        "title": message,
        "at": "$",
        "variant": "",
        "kinds": [{"kind": phase, "count": 1}],
        "count": 1,
        "baseline": None,
        "replay": {"attempts": 1, "reproduced": True, "note": ""},
        "clause": clause,
        "check": check,
        "message": message,
        "phase": phase,
        "request": {},
        "response": {"status": 200},
        "curl": CURL,
        "seed": 7,
    }


def _report(**changes: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "target": "staging",
        "base_url": "http://127.0.0.1:9",
        "profile": "smoke",
        "seed": 7,
        "concurrency": 4,
        "passed": False,
        "aborted": None,
        "clauses": [
            {
                "clause": clause_id,
                "title": clause.title,
                "status": "failed" if clause_id == "C20" else "passed",
                "checked": 4,
                "failures": 2 if clause_id == "C20" else 0,
                "reason": "",
            }
            for clause_id, clause in CLAUSES.items()
        ],
        "triage": {"flaky_policy": "fail"},
        "findings": [
            _failure("C20", "sandbox_authorisation_conformance", "probe: foreign", "[C20] one"),
            _failure("C20", "sandbox_authorisation_conformance", "property: valid", "[C20] two"),
            _failure("limits", "max_429_share", "run", "Too many requests were throttled"),
        ],
        "stats": {"requests": 12, "retried_429": 0, "retried_network": 0, "duration_seconds": 1.5},
        "notes": ["a note"],
        "rerun": "cf-conformance run --profile smoke --seed 7",
    }
    report.update(changes)
    return report


def test_a_failed_clause_lists_its_recorded_failures_with_reproducers() -> None:
    result = RunResult(exit_code=1, console="", report=_report())
    assert clause_failure_text("C20", CLAUSES["C20"].title, result.clauses["C20"], result) == (
        "[C20] sandbox authorisation: writable accepted, foreign forbidden: "
        "2 failures in 4 exchanges checked\n"
        "\n"
        "--- sandbox_authorisation_conformance (probe: foreign)\n"
        "[C20] one\n"
        f"reproduce: {CURL}\n"
        "\n"
        "--- sandbox_authorisation_conformance (property: valid)\n"
        "[C20] two\n"
        f"reproduce: {CURL}"
    )


def test_failures_of_no_clause_belong_to_the_run_item() -> None:
    result = RunResult(exit_code=1, console="", report=_report())
    assert [f["check"] for f in result.other_failures] == ["max_429_share"]
    assert (result.seed, result.aborted, result.notes) == (7, None, ["a note"])


def test_the_table_is_the_runs_own_with_the_pytest_rerun_line() -> None:
    result = RunResult(exit_code=1, console="", report=_report())
    table = result.table(rerun="pytest --cf-run --cf-seed 7").splitlines()
    assert table[0].split() == ["clause", "result", "checked", "fail", "title", "note"]
    assert table[20].split()[:4] == ["C20", "FAIL", "4", "2"]
    assert table[-3:] == [
        "target staging (http://127.0.0.1:9), profile smoke, seed 7, concurrency 4",
        "12 requests (429 retries 0, network retries 0) in 1.5 s: NOT CONFORMING: 3 failing "
        "finding(s)",
        "re-run: pytest --cf-run --cf-seed 7",
    ]
