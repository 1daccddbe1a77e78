"""Reports of a conformance run: console, JSON, Markdown and JUnit XML."""

from conformance.reports.console import Progress, render_table
from conformance.reports.curl import curl_command
from conformance.reports.model import ClauseResult, ClauseStatus, FailureRecord, RunReport
from conformance.reports.writers import render_markdown, write_json, write_junit, write_markdown

__all__ = [
    "ClauseResult",
    "ClauseStatus",
    "FailureRecord",
    "Progress",
    "RunReport",
    "curl_command",
    "render_markdown",
    "render_table",
    "write_json",
    "write_junit",
    "write_markdown",
]
