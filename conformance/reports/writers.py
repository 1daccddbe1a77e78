"""Report writers: JSON, Markdown (also for ``GITHUB_STEP_SUMMARY``) and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from conformance.reports.findings import Finding, Triage
from conformance.reports.model import RunReport
from conformance.reports.triage_sections import (
    baseline_line,
    finding_sections,
    no_longer_failing,
)

__all__ = ["render_markdown", "write_json", "write_junit", "write_markdown"]

STATUS_MARK = {"passed": "✅ passed", "failed": "❌ failed", "skipped": "⏭ skipped"}


def write_json(report: RunReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")


def _verdict(report: RunReport) -> str:
    head, _, rest = report.verdict.partition(": ")
    return f"**{head}**: {rest}" if rest else f"**{head}**"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: RunReport) -> str:
    triage = report.triage
    lines = [
        f"## ContraForce conformance: {report.target}",
        "",
        _verdict(report),
        "",
        f"**Triage:** {triage.counts_line(report.findings)}",
        "",
        f"- base URL: `{report.base_url}`",
        f"- profile: `{report.profile}`, seed: `{report.seed}`, "
        f"concurrency: `{report.concurrency}`",
        f"- requests: {report.requests} (429 retries: {report.retried_429}, "
        f"network retries: {report.retried_network}), {report.duration_seconds:.1f} s",
    ]
    if triage.baseline:
        lines.append(f"- baseline: `{triage.baseline}`")
    lines += [
        "",
        "| clause | title | result | checked | failures | note |",
        "| --- | --- | --- | ---: | ---: | --- |",
    ]
    for clause in report.clauses:
        lines.append(
            f"| {clause.clause} | {clause.title} | {STATUS_MARK[clause.status]} | "
            f"{clause.checked} | {clause.failures} | {_cell(clause.reason)} |"
        )
    index = 0
    for section in finding_sections(report):
        lines += ["", f"### {section.heading} ({len(section.findings)})"]
        if section.status == "known":
            lines += _known_table(section.findings, triage)
            continue
        for finding in section.findings:
            index += 1
            lines += _finding_lines(index, finding, triage)
    for heading, items in no_longer_failing(triage, lambda value: f"`{value}`"):
        lines += ["", f"### {heading} ({len(items)})", "", *(f"- {item}" for item in items)]
    if report.notes:
        lines += ["", "Notes:", *(f"- {note}" for note in report.notes)]
    lines += [
        "",
        f"Re-run with `{report.rerun}`."
        if report.rerun
        else (
            f"Re-run with `cf-conformance run --profile {report.profile} --seed {report.seed} "
            f"--concurrency {report.concurrency}`."
        ),
        "",
    ]
    return "\n".join(lines)


def _finding_lines(index: int, finding: Finding, triage: Triage) -> list[str]:
    example = finding.example
    facts = [f"fingerprint `{finding.fingerprint}`", f"seen {finding.count} time(s)"]
    if finding.replay is not None:
        facts.append(f"replay: {finding.replay.describe()}")
    lines = [
        "",
        f"#### {index}. {finding.clause} `{finding.check}` ({example.phase})",
        "",
        ", ".join(facts),
    ]
    lines += ["", f"kinds of request: {_cell(finding.kinds_line)}"]
    if finding.baseline is not None:
        lines += ["", baseline_line(finding.baseline, triage)]
    lines += ["", "```text", example.message, "```"]
    if example.curl or example.response:
        lines += [
            "",
            "<details><summary>reproduce</summary>",
            "",
            "```console",
            example.curl,
            "```",
            "",
            *_response_lines(example.response),
            "</details>",
        ]
    return lines


def _known_table(findings: list[Finding], triage: Triage) -> list[str]:
    lines = [
        "",
        "| fingerprint | finding | count | entry | reason | reference | expires |",
        "| --- | --- | ---: | --- | --- | --- | --- |",
    ]
    for finding in findings:
        entry = finding.baseline
        assert entry is not None  # a known finding has its entry
        lines.append(
            f"| `{finding.fingerprint}` | {_cell(finding.summary)} | {finding.count} | "
            f"{entry.name} | {_cell(entry.reason)} | {_cell(entry.reference)} | "
            f"{entry.expires.isoformat()} |"
        )
    return lines


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
    """One testcase per clause, so a CI page lists the contract clause by clause; then one
    per finding and per expired baseline entry, so it lists what triage decided.

    A finding covered by the baseline is skipped, with the entry's reason and reference; so
    is a clause whose every finding is covered, or flaky under ``flaky = "warn"``.
    """
    root = ET.Element("testsuites", name="contraforce-conformance")
    root.append(_clause_suite(report))
    root.append(_findings_suite(report))
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _suite(name: str, cases: list[ET.Element], *, seconds: float = 0.0) -> ET.Element:
    return ET.Element(
        "testsuite",
        name=name,
        tests=str(len(cases)),
        failures=str(sum(case.find("failure") is not None for case in cases)),
        errors=str(sum(case.find("error") is not None for case in cases)),
        skipped=str(sum(case.find("skipped") is not None for case in cases)),
        time=f"{seconds:.3f}",
    )


def _clause_suite(report: RunReport) -> ET.Element:
    policy = report.triage.flaky_policy
    by_clause: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_clause.setdefault(finding.clause, []).append(finding)
    cases = []
    for clause in report.clauses:
        case = ET.Element(
            "testcase",
            classname=f"conformance.{report.target}",
            name=f"{clause.clause} {clause.title}",
        )
        findings = by_clause.get(clause.clause, [])
        failing = [finding for finding in findings if finding.fails_run(policy)]
        if clause.status == "failed" and (failing or not findings):
            element = ET.SubElement(
                case, "failure", message=f"{clause.failures} failure(s) of {clause.clause}"
            )
            element.text = "\n\n---\n\n".join(_failure_text(finding) for finding in failing)
        elif clause.status == "failed":
            tolerated = "; ".join(_tolerated(finding, report) for finding in findings)
            ET.SubElement(case, "skipped", message=f"only tolerated failures: {tolerated}")
        elif clause.status == "skipped":
            ET.SubElement(case, "skipped", message=clause.reason)
        cases.append(case)
    if report.aborted or report.cut_short:
        case = ET.Element("testcase", classname="conformance.run", name="run completed")
        ET.SubElement(case, "error", message=report.aborted or report.cut_short or "")
        cases.append(case)
    suite = _suite(
        f"contraforce-conformance.{report.target}", cases, seconds=report.duration_seconds
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("profile", report.profile),
        ("seed", str(report.seed)),
        ("concurrency", str(report.concurrency)),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    suite.extend(cases)
    return suite


def _findings_suite(report: RunReport) -> ET.Element:
    triage = report.triage
    classname = f"conformance.{report.target}.findings"
    cases = []
    for finding in report.findings:
        case = ET.Element(
            "testcase", classname=classname, name=f"{finding.fingerprint} {finding.summary}"
        )
        if finding.fails_run(triage.flaky_policy):
            element = ET.SubElement(
                case, "failure", message=f"{finding.status}: {finding.summary}", type=finding.status
            )
            element.text = _failure_text(finding)
        else:
            ET.SubElement(case, "skipped", message=_tolerated(finding, report))
        cases.append(case)
    for entry in triage.expired:
        case = ET.Element(
            "testcase", classname=classname, name=f"baseline {entry.name} {entry.fingerprint}"
        )
        ET.SubElement(case, "failure", message=triage.expired_note(entry), type="expired")
        cases.append(case)
    suite = _suite(f"contraforce-conformance.{report.target}.findings", cases)
    suite.extend(cases)
    return suite


def _tolerated(finding: Finding, report: RunReport) -> str:
    entry = finding.baseline
    if finding.status == "known" and entry is not None:
        return (
            f"known failure {finding.fingerprint}: {entry.reason} ({entry.reference}), "
            f"{entry.name} expires {entry.expires.isoformat()}"
        )
    replay = "" if finding.replay is None else f": {finding.replay.describe()}"
    return f'flaky {finding.fingerprint}, a warning only ([checks] flaky = "warn"){replay}'


def _failure_text(finding: Finding) -> str:
    example = finding.example
    lines = [
        f"[{finding.check}] ({example.phase}) {finding.status}, seen {finding.count} time(s), "
        f"fingerprint {finding.fingerprint}",
        f"kinds of request: {finding.kinds_line}",
        example.message,
    ]
    if finding.replay is not None:
        lines.append(f"replay: {finding.replay.describe()}")
    if example.curl:
        lines += ["", example.curl]
    return "\n".join(lines)
