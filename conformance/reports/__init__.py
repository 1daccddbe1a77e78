"""Reports of a conformance run: console, JSON, Markdown and JUnit XML."""

from conformance.reports.console import Progress, render_table
from conformance.reports.curl import curl_command
from conformance.reports.dry_run import PlannedProbe, RunPlan, print_plan
from conformance.reports.findings import (
    BaselineEntry,
    Finding,
    FindingStatus,
    FlakyPolicy,
    PastFinding,
    Replay,
    Triage,
)
from conformance.reports.identity import FINGERPRINT_PATTERN, Identity
from conformance.reports.model import (
    REPORT_SCHEMA_VERSION,
    ClauseResult,
    ClauseStatus,
    FailureRecord,
    RunReport,
)
from conformance.reports.output import render_findings, write_reports
from conformance.reports.writers import render_markdown, write_json, write_junit, write_markdown

__all__ = [
    "FINGERPRINT_PATTERN",
    "REPORT_SCHEMA_VERSION",
    "BaselineEntry",
    "ClauseResult",
    "ClauseStatus",
    "FailureRecord",
    "Finding",
    "FindingStatus",
    "FlakyPolicy",
    "Identity",
    "PastFinding",
    "PlannedProbe",
    "Progress",
    "Replay",
    "RunPlan",
    "RunReport",
    "Triage",
    "curl_command",
    "print_plan",
    "render_findings",
    "render_markdown",
    "render_table",
    "write_json",
    "write_junit",
    "write_markdown",
    "write_reports",
]
