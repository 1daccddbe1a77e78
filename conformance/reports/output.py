"""The end of a run: the triage counts, the clause table and the findings on the console,
then the report files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from conformance.reports.console import render_table
from conformance.reports.findings import Finding, Triage
from conformance.reports.model import RunReport
from conformance.reports.triage_sections import (
    baseline_line,
    finding_sections,
    no_longer_failing,
)
from conformance.reports.writers import write_json, write_junit, write_markdown

__all__ = ["render_findings", "write_reports"]

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
    """Print the counts, the table and each finding, write the files, append the CI summary."""
    print(file=out)
    print(f"triage: {report.triage.counts_line(report.findings)}", file=out)
    print(render_table(report), file=out)
    text = render_findings(report)
    if text:
        print(text, file=out)
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


def render_findings(report: RunReport) -> str:
    """Each finding under its status, then what triage found beyond this run's findings."""
    triage = report.triage
    lines: list[str] = []
    for section in finding_sections(report):
        lines += ["", f"=== {section.heading} ({len(section.findings)})"]
        for finding in section.findings:
            lines += _finding_lines(finding, triage, full=section.status != "known")
    for heading, items in no_longer_failing(triage, str):
        lines += ["", f"=== {heading} ({len(items)})", *(f"- {item}" for item in items)]
    return "\n".join(lines)


def _finding_lines(finding: Finding, triage: Triage, *, full: bool) -> list[str]:
    example = finding.example
    lines = [
        "",
        f"--- {finding.clause} {finding.check} ({example.phase}), "
        f"{finding.count} time(s), fingerprint {finding.fingerprint}",
    ]
    lines.append(f"kinds of request: {finding.kinds_line}")
    if full:
        lines.append(example.message)
        if example.curl:
            lines.append(f"reproduce: {example.curl}")
    else:
        lines.append(finding.summary)
    if finding.replay is not None:
        lines.append(f"replay: {finding.replay.describe()}")
    if finding.baseline is not None:
        lines.append(baseline_line(finding.baseline, triage))
    return lines
