"""Report writers: JSON, Markdown (also for ``GITHUB_STEP_SUMMARY``) and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from conformance.reports.model import RunReport

__all__ = ["render_markdown", "write_json", "write_junit", "write_markdown"]

STATUS_MARK = {"passed": "✅ passed", "failed": "❌ failed", "skipped": "⏭ skipped"}


def write_json(report: RunReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")


def _verdict(report: RunReport) -> str:
    if report.aborted:
        return f"**ABORTED** (partial report): {report.aborted}"
    if report.failures:
        return f"**NOT CONFORMING**: {len(report.failures)} failure(s)"
    return "**CONFORMING**"


def render_markdown(report: RunReport) -> str:
    lines = [
        f"## ContraForce conformance: {report.target}",
        "",
        _verdict(report),
        "",
        f"- base URL: `{report.base_url}`",
        f"- profile: `{report.profile}`, seed: `{report.seed}`",
        f"- requests: {report.requests} (429 retries: {report.retried_429}, "
        f"network retries: {report.retried_network}), {report.duration_seconds:.1f} s",
        "",
        "| clause | title | result | checked | failures | note |",
        "| --- | --- | --- | ---: | ---: | --- |",
    ]
    for clause in report.clauses:
        note = clause.reason.replace("|", "\\|")
        lines.append(
            f"| {clause.clause} | {clause.title} | {STATUS_MARK[clause.status]} | "
            f"{clause.checked} | {clause.failures} | {note} |"
        )
    for index, failure in enumerate(report.failures, 1):
        lines += [
            "",
            f"### {index}. {failure.clause} `{failure.check}` ({failure.phase})",
            "",
            "```text",
            failure.message,
            "```",
            "",
            "<details><summary>reproduce</summary>",
            "",
            "```console",
            failure.curl,
            "```",
            "",
            *_response_lines(failure.response),
            "</details>",
        ]
    if report.notes:
        lines += ["", "Notes:", *(f"- {note}" for note in report.notes)]
    lines += [
        "",
        f"Re-run with `{report.rerun}`."
        if report.rerun
        else f"Re-run with `cf-conformance run --profile {report.profile} --seed {report.seed}`.",
        "",
    ]
    return "\n".join(lines)


def _response_lines(response: dict[str, Any]) -> list[str]:
    if not response:
        return ["Response: none (no HTTP answer)"]
    return [
        f"Response: `{response.get('status')}`",
        "",
        "```json",
        json.dumps(response.get("body"), indent=2, ensure_ascii=False)[:4000],
        "```",
    ]


def write_markdown(report: RunReport, path: Path, *, append: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a" if append else "w", encoding="utf-8") as handle:
        handle.write(render_markdown(report))


def write_junit(report: RunReport, path: Path) -> None:
    """One testcase per clause, so a CI page lists the contract clause by clause."""
    failed = sum(clause.status == "failed" for clause in report.clauses)
    skipped = sum(clause.status == "skipped" for clause in report.clauses)
    suite = ET.Element(
        "testsuite",
        name=f"contraforce-conformance.{report.target}",
        tests=str(len(report.clauses)),
        failures=str(failed),
        errors="1" if report.aborted else "0",
        skipped=str(skipped),
        time=f"{report.duration_seconds:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("profile", report.profile), ("seed", str(report.seed))):
        ET.SubElement(properties, "property", name=name, value=value)
    by_clause: dict[str, list[str]] = {}
    for failure in report.failures:
        by_clause.setdefault(failure.clause, []).append(
            f"[{failure.check}] ({failure.phase})\n{failure.message}\n\n{failure.curl}"
        )
    for clause in report.clauses:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"conformance.{report.target}",
            name=f"{clause.clause} {clause.title}",
        )
        if clause.status == "failed":
            messages = by_clause.get(clause.clause, [])
            element = ET.SubElement(
                case, "failure", message=f"{clause.failures} failure(s) of {clause.clause}"
            )
            element.text = "\n\n---\n\n".join(messages)
        elif clause.status == "skipped":
            ET.SubElement(case, "skipped", message=clause.reason)
    if report.aborted:
        case = ET.SubElement(suite, "testcase", classname="conformance.run", name="run completed")
        ET.SubElement(case, "error", message=report.aborted)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = ET.Element("testsuites", name="contraforce-conformance")
    root.append(suite)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
