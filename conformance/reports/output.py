"""The end of a run: the clause table and the failures on the console, then the report files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from conformance.reports.console import render_table
from conformance.reports.model import RunReport
from conformance.reports.writers import write_json, write_junit, write_markdown

__all__ = ["write_reports"]

# GitHub Actions renders the Markdown appended to this file on the job's summary page.
STEP_SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"


def write_reports(
    report: RunReport,
    out: TextIO,
    *,
    environ: Mapping[str, str],
    json_path: Path | None = None,
    markdown_path: Path | None = None,
    junit_path: Path | None = None,
) -> None:
    """Print the table and each failure, write the files asked for, append the CI summary."""
    print(file=out)
    print(render_table(report), file=out)
    for failure in report.failures:
        print(
            f"\n--- {failure.clause} {failure.check} ({failure.phase})\n{failure.message}", file=out
        )
        if failure.curl:
            print(f"reproduce: {failure.curl}", file=out)
    if json_path:
        write_json(report, json_path)
    if markdown_path:
        write_markdown(report, markdown_path)
    if junit_path:
        write_junit(report, junit_path)
    summary = environ.get(STEP_SUMMARY_VARIABLE)
    if summary:
        write_markdown(report, Path(summary), append=True)
    for label, path in (("JSON", json_path), ("Markdown", markdown_path), ("JUnit", junit_path)):
        if path:
            print(f"{label} report: {path}", file=out)
