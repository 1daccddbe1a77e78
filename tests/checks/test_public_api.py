"""The package's public surface is pinned, and importing it stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import conformance.checks

ROOT = Path(__file__).resolve().parents[2]


def test_public_names_are_pinned() -> None:
    assert sorted(conformance.checks.__all__) == sorted(
        [
            "ALL_CLAUSES",
            "CHECKS",
            "DOCUMENTED_PROBLEM_CODES",
            "JUDGED",
            "NO_BODY",
            "RELAXABLE_CLAUSES",
            "Answer",
            "AuthIntent",
            "BodyIntent",
            "CheckContext",
            "ClauseCheck",
            "ConformanceFailure",
            "Exchange",
            "Intent",
            "JsonValue",
            "Judged",
            "Judgement",
            "NoBody",
            "NotJson",
            "Request",
            "RequestBody",
            "Response",
            "TOLERATED_STATUS",
            "assert_conforms",
            "auth_before_validation_conformance",
            "authentication_conformance",
            "checks_by_clause",
            "forbidden_entry_conformance",
            "iter_failures",
            "judge",
            "never_requested_conformance",
            "no_server_error_conformance",
            "outcome_coverage_conformance",
            "outcome_partition_conformance",
            "parse_json",
            "problem_body_conformance",
            "problem_code_conformance",
            "problem_media_type_conformance",
            "problem_members_conformance",
            "problem_status_conformance",
            "problem_trace_conformance",
            "request_id_conformance",
            "requested_ids",
            "sandbox_authorisation_conformance",
            "scope_conformance",
            "status_code_mapping_conformance",
            "success_envelope_conformance",
            "success_media_type_conformance",
            "timestamp_conformance",
            "tolerated_rejection",
            "unrequested_answers",
            "validation_errors_conformance",
        ]
    )
    assert all(hasattr(conformance.checks, name) for name in conformance.checks.__all__)


def test_every_registered_check_is_public() -> None:
    assert set(conformance.checks.CHECKS) <= set(conformance.checks.__all__)


def test_importing_the_checks_pulls_in_no_http_client_or_test_library() -> None:
    probe = (
        "import sys, conformance.checks; "
        "heavy = ('httpx', 'hypothesis', 'schemathesis', 'requests'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"
