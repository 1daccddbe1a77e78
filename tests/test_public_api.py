"""Pins the public surface of the packages that have no API test of their own."""

import pytest

import conformance.adapters
import conformance.openapi
import conformance.readback
import conformance.reports
import conformance.run
import conformance.sandbox
import conformance.triage

EXPECTED = {
    # The adapters are modules loaded for their side effects; the package itself exports none.
    conformance.adapters: set(),
    conformance.openapi: {
        "BULK_UPDATE_OPERATION_ID", "BULK_UPDATE_PATH", "RULES", "ChangeClass", "Defect",
        "PatchError", "Provenance", "RevendorResult", "SpecDifference", "SpecFinding",
        "SpecLoadError", "VendorError", "apply_patch", "corrected_document", "count_by_class",
        "diff_documents", "file_sha256", "find_spec_findings", "load_corrections",
        "load_document", "load_provenance", "reduce_to_operations", "render_yaml", "revendor",
        "spec_dir", "validate_document", "vendored_spec_path",
    },
    conformance.reports: {
        "FINGERPRINT_PATTERN", "REPORT_SCHEMA_VERSION", "BaselineEntry", "ClauseResult",
        "ClauseStatus", "FailureRecord", "Finding", "FindingStatus", "FlakyPolicy", "Identity",
        "PastFinding", "PlannedProbe", "Progress", "Replay",
        "RunPlan", "RunReport", "Triage", "curl_command", "print_plan", "render_findings",
        "render_markdown", "render_table", "write_json", "write_junit", "write_markdown",
        "write_reports",
    },
    conformance.run: {
        "PROFILES", "REDACTED", "ConfigError", "Credential", "Limits", "PlannedRequest",
        "Profile", "Redactor", "StillThrottled", "Target", "TargetClient", "TargetUnreachable",
        "WriteBudgetExceeded", "load_target", "parse_target", "production_reason",
        "resize_profile",
    },
    conformance.triage: {
        "Identity", "PreviousRun", "TriageInputError", "classify", "identify",
        "identify_failure", "input_kind", "load_baseline", "load_previous", "normalise_kind",
        "normalise_path", "parse_baseline", "parse_previous", "report_version",
        "server_error_variant", "write_baseline",
    },
    conformance.readback: {
        "FIELDS", "CommentDemand", "Demand", "Evidence", "Expectation", "Rules", "SentWrite",
        "Snapshot", "Value", "expect", "failures_of", "normal", "normal_comment",
    },
    conformance.sandbox: {
        "FORBIDDEN_SUFFIX_PARTS", "PLACEHOLDERS", "RESERVED_PREFIX", "Incident", "Outcome",
        "Sandbox", "UnsafeReadError", "UnsafeWriteError", "User", "check_read_rule",
        "check_write_rule", "expected_outcomes", "is_reserved_id", "placeholders", "read_path",
        "reserved_id", "reserved_id_with", "suffix_problem", "unsafe_ids",
    },
}  # fmt: skip


@pytest.mark.parametrize("module", list(EXPECTED), ids=lambda m: m.__name__)
def test_public_api(module: object) -> None:
    exported = set(module.__all__)  # type: ignore[attr-defined]
    assert exported == EXPECTED[module]  # type: ignore[index]
    for name in exported:
        assert hasattr(module, name), name
