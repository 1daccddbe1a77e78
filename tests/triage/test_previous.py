"""``--previous``: reading the findings of an earlier run's JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.reports import PastFinding
from conformance.triage import PreviousRun, TriageInputError, load_previous

FINDING = {
    "fingerprint": "0123456789abcdef",
    "status": "new",
    "clause": "C17",
    "check": "outcome_partition_conformance",
    "title": "Id answered twice",
    "at": "$.data.accepted[*]",
    "kind": "probe: sandbox: duplicate ids",
    "count": 2,
}


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "previous.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def test_the_findings_and_the_run_are_read(tmp_path: Path) -> None:
    path = _write(tmp_path, {"profile": "nightly", "seed": 42, "findings": [FINDING]})
    previous = load_previous(path)
    assert previous == PreviousRun(
        source=str(path),
        profile="nightly",
        seed=42,
        findings=(
            PastFinding(
                "0123456789abcdef",
                "C17",
                "outcome_partition_conformance",
                "Id answered twice",
                "$.data.accepted[*]",
                "probe: sandbox: duplicate ids",
            ),
        ),
    )
    assert previous.label == f"{path} (profile nightly, seed 42)"


def test_missing_labels_do_not_stop_the_comparison(tmp_path: Path) -> None:
    path = _write(tmp_path, {"findings": [{"fingerprint": "0123456789abcdef"}]})
    [past] = load_previous(path).findings
    assert past.summary == "[?] ? at ? (?)"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param("{", "not JSON: Expecting property name", id="not-json"),
        pytest.param([], "not a JSON object", id="not-an-object"),
        pytest.param(
            {"failures": []},
            "findings: missing or not a list (a report from an older version?)",
            id="older-report",
        ),
        pytest.param({"findings": ["x"]}, "findings[0]: not an object", id="finding-not-object"),
        pytest.param(
            {"findings": [{**FINDING, "fingerprint": "C17"}]},
            "findings[0].fingerprint: not a fingerprint: 'C17'",
            id="bad-fingerprint",
        ),
    ],
)
def test_a_report_the_run_cannot_use_is_refused(
    tmp_path: Path, document: Any, message: str
) -> None:
    path = _write(tmp_path, document)
    with pytest.raises(TriageInputError) as raised:
        load_previous(path)
    text = str(raised.value)
    assert text.startswith(f"{path}: {message}")
    assert text.endswith("(pass a JSON report written by cf-conformance run --report-json)")


def test_a_missing_report_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TriageInputError, match=r"no such file \(pass a JSON report written by"):
        load_previous(tmp_path / "none.json")
