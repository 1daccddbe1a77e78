import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.report_schema import report_errors

from conformance.reports import (
    REPORT_SCHEMA_VERSION,
    ClauseResult,
    FailureRecord,
    Finding,
    Identity,
    PlannedProbe,
    Progress,
    RunPlan,
    RunReport,
    curl_command,
    print_plan,
    render_markdown,
    render_table,
    write_json,
    write_junit,
    write_reports,
)

IDENTITY = Identity(
    "C17", "outcome_partition_conformance", "Id answered twice", "$.data.accepted[*]"
)


def _report(*, failed: bool = True, aborted: str | None = None) -> RunReport:
    failure = FailureRecord(
        clause="C17",
        check="outcome_partition_conformance",
        message="[C17] Id answered twice\nReceived: x\nExpected: y\nAt: $.data.accepted[1]",
        phase="probe: sandbox: duplicate ids",
        request={"method": "POST", "url": "http://t/x", "headers": {}, "body": {"items": []}},
        response={"status": 200, "headers": {}, "body": {"data": {}}},
        curl="curl -sS -X POST http://t/x",
        seed=5,
    )
    finding = Finding(
        identity=IDENTITY,
        kinds={"probe: sandbox: duplicate ids": 1},
        example=failure,
    )
    return RunReport(
        target="staging",
        base_url="https://staging.example.com",
        profile="smoke",
        seed=5,
        concurrency=4,
        clauses=[
            ClauseResult("C1", "envelope", "passed", checked=3),
            ClauseResult("C14", "scope", "skipped", reason="no [auth.no_scope] credential"),
            ClauseResult("C17", "partition", "failed" if failed else "passed", 3, int(failed)),
        ],
        findings=[finding] if failed else [],
        requests=12,
        aborted=aborted,
        rerun="cf-conformance run --profile smoke --seed 5",
    )


def test_table_lists_each_clause_and_the_verdict() -> None:
    text = render_table(_report())
    lines = text.splitlines()
    assert lines[1].split() == ["C1", "PASS", "3", "0", "envelope"]
    assert lines[2].split()[:2] == ["C14", "SKIP"]
    assert lines[2].endswith("no [auth.no_scope] credential")
    assert lines[3].split()[:4] == ["C17", "FAIL", "3", "1"]
    assert "12 requests" in text
    assert text.endswith(
        "NOT CONFORMING: 1 failing finding(s)\nre-run: cf-conformance run --profile smoke --seed 5"
    )


@pytest.mark.parametrize(
    ("report", "verdict"),
    [
        pytest.param(_report(failed=False), "CONFORMING", id="clean"),
        pytest.param(_report(), "NOT CONFORMING: 1 failing finding(s)", id="failed"),
        pytest.param(
            _report(aborted="t is unreachable"), "ABORTED (partial): t is unreachable", id="aborted"
        ),
    ],
)
def test_verdicts(report: RunReport, verdict: str) -> None:
    assert f": {verdict}\n" in render_table(report)


def test_json_report_has_the_documented_keys(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "r.json"
    write_json(_report(), path)
    data = json.loads(path.read_text())
    assert {"target", "profile", "seed", "passed", "clauses", "triage", "findings"} <= set(data)
    assert (data["seed"], data["concurrency"]) == (5, 4)
    assert data["passed"] is False
    finding = data["findings"][0]
    assert {"clause", "check", "message", "request", "response", "curl", "seed"} <= set(finding)
    assert {"fingerprint", "status", "baseline", "replay", "count", "kinds", "at"} <= set(finding)
    assert (finding["fingerprint"], finding["status"], finding["baseline"]) == (
        IDENTITY.fingerprint,
        "new",
        None,
    )
    assert finding["kinds"] == [{"kind": "probe: sandbox: duplicate ids", "count": 1}]
    assert data["schema_version"] == REPORT_SCHEMA_VERSION
    assert report_errors(data) == []


def test_junit_has_one_testcase_per_clause(tmp_path: Path) -> None:
    path = tmp_path / "j.xml"
    write_junit(_report(aborted="lost the target"), path)
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"C1 envelope", "C14 scope", "C17 partition", "run completed"}
    skipped = cases["C14 scope"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "no [auth.no_scope] credential"
    failure = cases["C17 partition"].find("failure")
    assert failure is not None
    assert "[C17] Id answered twice" in (failure.text or "")
    assert cases["run completed"].find("error") is not None
    assert (suite.get("failures"), suite.get("skipped"), suite.get("errors")) == ("1", "1", "1")


def test_markdown_shows_failures_with_a_reproducer() -> None:
    text = render_markdown(_report())
    assert "**NOT CONFORMING**: 1 failing finding(s)" in text
    assert "| C14 | scope | ⏭ skipped | 0 | 0 | no [auth.no_scope] credential |" in text
    assert "### New (1)" in text
    assert "#### 1. C17 `outcome_partition_conformance` (probe: sandbox: duplicate ids)" in text
    assert "curl -sS -X POST http://t/x" in text
    assert "Re-run with `cf-conformance run --profile smoke --seed 5`." in text


def test_curl_quotes_and_skips_noise() -> None:
    command = curl_command(
        "post",
        "http://t/x?a=1&b=2",
        {"Host": "t", "Authorization": "Basic [REDACTED]", "Content-Type": "application/json"},
        '{"id": "it\'s"}',
    )
    assert command == (
        "curl -sS -X POST 'http://t/x?a=1&b=2' -H 'Authorization: Basic [REDACTED]' "
        "-H 'Content-Type: application/json' --data-binary '{\"id\": \"it'\"'\"'s\"}'"
    )


def test_progress_on_a_log_prints_a_line_per_fifth() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    progress.start("probes", 10)
    for _ in range(10):
        progress.advance()
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[probes] starting: 10 planned"
    assert len([line for line in lines if "sent (10 planned)" in line]) == 5
    assert lines[-1].startswith("[probes] done: 10 sent in ")


def test_write_reports_appends_to_the_summary_named_in_the_given_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The process environment names another file: only the mapping passed in counts.
    decoy = tmp_path / "decoy.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(decoy))
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    out = io.StringIO()
    write_reports(
        _report(),
        out,
        environ={"GITHUB_STEP_SUMMARY": str(summary)},
        json_path=tmp_path / "r.json",
    )
    assert summary.read_text() == "# earlier step\n" + render_markdown(_report())
    assert not decoy.exists()
    text = out.getvalue()
    assert (
        "\n--- C17 outcome_partition_conformance (probe: sandbox: duplicate ids), "
        f"1 time(s), fingerprint {IDENTITY.fingerprint}\n"
        "kinds of request: probe: sandbox: duplicate ids (1)\n"
    ) in text
    assert "reproduce: curl -sS -X POST http://t/x" in text
    assert text.endswith(f"JSON report: {tmp_path / 'r.json'}\n")


def test_dry_run_plan_prints_each_probe_and_what_follows() -> None:
    long_body = "x" * 400
    plan = RunPlan(
        base_url="https://staging.example.com",
        profile="smoke",
        seed=3,
        probes=[
            PlannedProbe("auth: none", ("C12",), "POST", "/p", {"A": "[REDACTED]"}, "{}"),
            PlannedProbe("no body", ("C1", "C5"), "POST", "/p", {}, None),
            PlannedProbe("big", ("C16",), "POST", "/p", {}, long_body),
        ],
        skipped=[("auth: no scope", "no [auth.no_scope] credential in the target file")],
        property_examples=15,
        invalid_examples=10,
        leak_sequences=2,
        fuzz_examples=0,
        write_budget=200,
    )
    out = io.StringIO()
    print_plan(plan, out)
    assert out.getvalue().splitlines() == [
        "dry run: nothing is sent to https://staging.example.com",
        "profile smoke, seed 3",
        "3 probes:",
        "  - auth: none [C12]",
        '    POST /p {"A": "[REDACTED]"}',
        "    {}",
        "  - no body [C1, C5]",
        "    POST /p {}",
        "    (no body)",
        "  - big [C16]",
        "    POST /p {}",
        f"    {'x' * 300}...",
        "  - skipped: auth: no scope: no [auth.no_scope] credential in the target file",
        "then up to 15 valid and 10 invalid generated requests, 2 multi-request sequences and "
        "0 schemathesis examples per mode; write budget 200 requests",
    ]
