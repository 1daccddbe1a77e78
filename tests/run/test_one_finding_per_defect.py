"""One defect, one finding: a reference fault met by many kinds of request is reported once.

Each fault below breaks one clause in one way, so all its failures share a clause, a check, a
title and a place. The probes, the properties and the fuzzer all meet it; the report has one
finding, listing the kinds of request that showed it. Server errors from different inputs stay
apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.capture import Capture
from support.clause_sets import WITHOUT_READBACK

from conformance.cli.embedded import embedded_reference
from conformance.reference.faults import FAULTS
from conformance.run.runner import RunOptions, execute

pytestmark = [pytest.mark.socket, pytest.mark.slow]


def _findings(tmp_path: Path, profile: str, *faults: str) -> list[dict[str, Any]]:
    report_path = tmp_path / "report.json"
    # Read-back (C21) is left out: these faults break other clauses, and it would only wait.
    options = RunOptions(
        profile=profile,
        seed=11,
        max_examples=25,
        report_json=report_path,
        only=WITHOUT_READBACK,
    )
    out = Capture()
    assert execute(options, out=out, embedded=embedded_reference(faults)) == 1, out.text
    findings: list[dict[str, Any]] = json.loads(report_path.read_text())["findings"]
    return findings


@pytest.mark.parametrize(
    ("fault", "profile"),
    [
        pytest.param("no-meta", "default", id="no-meta"),
        pytest.param("status-mismatch", "default", id="status-mismatch"),
        pytest.param("accept-foreign", "default", id="accept-foreign"),
        pytest.param("empty-reason", "smoke", id="empty-reason"),
        pytest.param("blank-reason", "smoke", id="blank-reason"),
    ],
)
def test_a_fault_with_one_way_of_failing_is_one_finding(
    fault: str, profile: str, tmp_path: Path
) -> None:
    clause = FAULTS[fault].clause
    [finding] = [f for f in _findings(tmp_path, profile, fault) if f["clause"] == clause]
    kinds = finding["kinds"]
    # Many kinds of request met it: that is what used to split it.
    assert len(kinds) > 1, kinds
    assert finding["count"] == sum(kind["count"] for kind in kinds)


def test_two_server_errors_from_different_inputs_are_two_findings(tmp_path: Path) -> None:
    findings = _findings(tmp_path, "default", "500-on-null-id", "500-on-overlong-id")
    crashes = [finding for finding in findings if finding["clause"] == "C15"]
    assert sorted(finding["variant"] for finding in crashes) == [
        "HTTP 500 INTERNAL_ERROR on items[*].id: null",
        "HTTP 500 INTERNAL_ERROR on plain values",
    ]
