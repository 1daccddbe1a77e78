"""``--previous``: reading the findings of an earlier run's JSON report, in each version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.report_schema import UNCHECKED_PREFIX

from conformance.reports import REPORT_SCHEMA_VERSION, Identity, PastFinding
from conformance.triage import PreviousRun, TriageInputError, load_previous

IDENTITY = Identity(
    "C17", "outcome_partition_conformance", "Id answered twice", "$.data.accepted[*]"
)
FINDING = {
    **IDENTITY.to_json(),
    "status": "new",
    "count": 2,
    "kinds": [{"kind": "probe: sandbox: duplicate ids", "count": 2}],
}
# Version 1: no schema_version; each finding keyed by its kind of request too.
V1_FINGERPRINT = IDENTITY.legacy_fingerprint("probe: sandbox: duplicate ids")
V1_FINDING = {
    "fingerprint": V1_FINGERPRINT,
    "status": "new",
    "clause": "C17",
    "check": "outcome_partition_conformance",
    "title": "Id answered twice",
    "at": "$.data.accepted[*]",
    "kind": "probe: sandbox: duplicate ids",
    "count": 2,
}
CRASH_RESPONSE = {"status": 500, "body": {"status": 500, "code": "INTERNAL_ERROR"}}


def _write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / f"{UNCHECKED_PREFIX}previous.json"  # partial reports, on purpose
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def test_the_findings_and_the_run_are_read(tmp_path: Path) -> None:
    document = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "profile": "nightly",
        "seed": 42,
        "findings": [FINDING],
    }
    path = _write(tmp_path, document)
    previous = load_previous(path)
    assert previous == PreviousRun(
        source=str(path), profile="nightly", seed=42, findings=(PastFinding(IDENTITY),)
    )
    assert previous.label == f"{path} (profile nightly, seed 42)"


def test_a_version_1_report_is_read_with_todays_identity(tmp_path: Path) -> None:
    """One defect seen by two kinds of request was two findings then: it is one now, and
    both older fingerprints still match."""
    other = {**V1_FINDING, "kind": "property: valid bulk updates"}
    other["fingerprint"] = IDENTITY.legacy_fingerprint("property: valid bulk updates")
    path = _write(tmp_path, {"profile": "nightly", "seed": 1, "findings": [V1_FINDING, other]})
    previous = load_previous(path)
    assert previous.findings == (
        PastFinding(IDENTITY, frozenset({V1_FINGERPRINT, other["fingerprint"]})),
    )
    assert previous.schema_version == 1
    assert previous.label == f"{path} (profile nightly, seed 1, report version 1)"


def test_a_version_1_server_error_gets_its_variant_from_the_example(tmp_path: Path) -> None:
    crash = {
        **V1_FINDING,
        "clause": "C15",
        "check": "no_server_error_conformance",
        "title": "Server error",
        "at": "HTTP status",
        "request": {"method": "POST", "body": {"items": [{"id": None}]}},
        "response": CRASH_RESPONSE,
    }
    [past] = load_previous(_write(tmp_path, {"findings": [crash]})).findings
    assert past.identity.variant == "HTTP 500 INTERNAL_ERROR on items[*].id: null"


def test_a_version_0_report_is_read_from_its_messages(tmp_path: Path) -> None:
    failure = {
        "clause": "C15",
        "check": "no_server_error_conformance",
        "message": "[C15] Server error\nReceived: HTTP 500\nExpected: below 500\nAt: HTTP status",
        "phase": "probe: malformed: null id (S1)",
        "request": {"method": "POST", "body": {"items": [{"id": None}]}},
        "response": CRASH_RESPONSE,
        "curl": "curl ...",
        "seed": 3,
    }
    previous = load_previous(_write(tmp_path, {"profile": "smoke", "failures": [failure]}))
    assert previous.schema_version == 0
    assert previous.findings == (
        PastFinding(
            Identity(
                "C15",
                "no_server_error_conformance",
                "Server error",
                "HTTP status",
                "HTTP 500 INTERNAL_ERROR on items[*].id: null",
            )
        ),
    )


def test_missing_labels_do_not_stop_the_comparison(tmp_path: Path) -> None:
    path = _write(tmp_path, {"findings": [{"fingerprint": "0123456789abcdef", "kind": "k"}]})
    [past] = load_previous(path).findings
    assert past.summary == "[?] ? at ?"
    assert past.legacy_fingerprints == {"0123456789abcdef"}


@pytest.mark.parametrize(
    ("document", "message", "fix"),
    [
        pytest.param("{", "not JSON: Expecting property name", None, id="not-json"),
        pytest.param([], "not a JSON object", None, id="not-an-object"),
        pytest.param(
            {"profile": "x"},
            "findings: missing or not a list, and no schema_version says which shape this is",
            None,
            id="no-findings",
        ),
        pytest.param(
            {"schema_version": 99, "findings": []},
            "schema_version: report version 99 cannot be read; this suite reads versions 0, 1, 2",
            "upgrade cf-conformance to read it",
            id="newer-version",
        ),
        pytest.param(
            {"schema_version": "2", "findings": []},
            "schema_version: report version '2' cannot be read",
            None,
            id="version-not-a-number",
        ),
        pytest.param(
            {"schema_version": 2, "findings": ["x"]},
            "findings[0]: not an object",
            None,
            id="finding-not-object",
        ),
        pytest.param(
            {"schema_version": 2, "findings": [{**FINDING, "fingerprint": "C17"}]},
            "findings[0].fingerprint: not a fingerprint: 'C17'",
            None,
            id="bad-fingerprint",
        ),
        pytest.param(
            {"schema_version": 2, "findings": [{**FINDING, "title": "Edited"}]},
            f"findings[0].fingerprint: {IDENTITY.fingerprint} is not the fingerprint of the "
            "finding's parts",
            None,
            id="edited-finding",
        ),
        pytest.param(
            {"failures": ["x"]}, "failures[0]: not an object", None, id="failure-not-object"
        ),
    ],
)
def test_a_report_the_run_cannot_use_is_refused(
    tmp_path: Path, document: Any, message: str, fix: str | None
) -> None:
    path = _write(tmp_path, document)
    with pytest.raises(TriageInputError) as raised:
        load_previous(path)
    text = str(raised.value)
    assert text.startswith(f"{path}: {message}")
    fix = fix or "pass a JSON report written by cf-conformance run --report-json"
    assert text.endswith(f"({fix})")


def test_a_missing_report_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TriageInputError, match=r"no such file \(pass a JSON report written by"):
        load_previous(tmp_path / "none.json")
