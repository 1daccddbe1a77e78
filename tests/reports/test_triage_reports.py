"""Findings under their triage status, in the console text, the Markdown and JUnit reports."""

from __future__ import annotations

import dataclasses
import datetime
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.reports import (
    BaselineEntry,
    ClauseResult,
    FailureRecord,
    Finding,
    FindingStatus,
    Identity,
    PastFinding,
    Replay,
    RunReport,
    Triage,
    render_findings,
    render_markdown,
    write_json,
    write_junit,
)

TODAY = datetime.date(2030, 6, 15)


@dataclasses.dataclass(frozen=True)
class Pinned(Identity):
    """An identity whose fingerprint is given, so that each row reads as its letter."""

    given: str = ""

    @property
    def fingerprint(self) -> str:
        return self.given

    def pinned(self, fingerprint: str) -> Pinned:
        return dataclasses.replace(self, given=fingerprint)


ENTRY = BaselineEntry(0, "cccccccccccccccc", "fix in 2.4", "CF-7", datetime.date(2030, 7, 1))
EXPIRED = BaselineEntry(1, "eeeeeeeeeeeeeeee", "old", "CF-1", datetime.date(2030, 6, 1))
UNSEEN = BaselineEntry(2, "ffffffffffffffff", "gone?", "CF-2", datetime.date(2030, 7, 1))


def _finding(
    fingerprint: str,
    status: FindingStatus,
    clause: str,
    *,
    replay: Replay | None = None,
    baseline: BaselineEntry | None = None,
) -> Finding:
    record = FailureRecord(
        clause=clause,
        check="no_server_error_conformance",
        message=(
            f"[{clause}] Server error\nReceived: HTTP 500\nExpected: below 500\nAt: HTTP status"
        ),
        phase="probe: p",
        request={},
        response={"status": 500, "headers": {}, "body": None},
        curl="curl -sS -X POST http://t/x",
        seed=1,
    )
    identity = Pinned(clause, "no_server_error_conformance", "Server error", "HTTP status")
    return Finding(identity.pinned(fingerprint), {"probe: p": 2}, record, replay, status, baseline)


def _report(policy: str = "fail") -> RunReport:
    findings = [
        _finding("aaaaaaaaaaaaaaaa", "new", "C15", replay=Replay(1, True)),
        _finding("bbbbbbbbbbbbbbbb", "flaky", "C11", replay=Replay(3, False)),
        _finding("cccccccccccccccc", "known", "C15", replay=Replay(1, True), baseline=ENTRY),
        _finding("eeeeeeeeeeeeeeee", "still-failing", "C15", baseline=EXPIRED),
    ]
    triage = Triage(
        today=TODAY,
        flaky_policy="warn" if policy == "warn" else "fail",
        previous="last.json (profile nightly, seed 1)",
        baseline="b.toml",
        fixed=[PastFinding(Pinned("C17", "c", "Id answered twice", "$.x").pinned("d" * 16))],
        unseen=[UNSEEN],
        expired=[EXPIRED],
        expired_matched={EXPIRED.fingerprint},
    )
    return RunReport(
        "staging",
        "https://s",
        "nightly",
        1,
        clauses=[
            ClauseResult("C11", "c11", "failed", 3, 1),
            ClauseResult("C15", "c15", "failed", 9, 6),
        ],
        findings=findings,
        triage=triage,
    )


def test_console_lists_each_finding_under_its_status() -> None:
    assert render_findings(_report()).splitlines() == [
        "",
        "=== New (1)",
        "",
        "--- C15 no_server_error_conformance (probe: p), 2 time(s), fingerprint aaaaaaaaaaaaaaaa",
        "kinds of request: probe: p (2)",
        "[C15] Server error",
        "Received: HTTP 500",
        "Expected: below 500",
        "At: HTTP status",
        "reproduce: curl -sS -X POST http://t/x",
        "replay: reproduced at replay 1",
        "",
        "=== Still failing (1)",
        "",
        "--- C15 no_server_error_conformance (probe: p), 2 time(s), fingerprint eeeeeeeeeeeeeeee",
        "kinds of request: probe: p (2)",
        "[C15] Server error",
        "Received: HTTP 500",
        "Expected: below 500",
        "At: HTTP status",
        "reproduce: curl -sS -X POST http://t/x",
        "baseline known[1]: old (CF-1), EXPIRED on 2030-06-01",
        "",
        "=== Flaky: did not reproduce on replay (1)",
        "",
        "--- C11 no_server_error_conformance (probe: p), 2 time(s), fingerprint bbbbbbbbbbbbbbbb",
        "kinds of request: probe: p (2)",
        "[C11] Server error",
        "Received: HTTP 500",
        "Expected: below 500",
        "At: HTTP status",
        "reproduce: curl -sS -X POST http://t/x",
        "replay: did not reproduce in 3 replay(s): flaky",
        "",
        "=== Known: covered by the baseline (1)",
        "",
        "--- C15 no_server_error_conformance (probe: p), 2 time(s), fingerprint cccccccccccccccc",
        "kinds of request: probe: p (2)",
        "[C15] Server error at HTTP status",
        "replay: reproduced at replay 1",
        "baseline known[0]: fix in 2.4 (CF-7), expires 2030-07-01",
        "",
        "=== Fixed since the previous run (1)",
        "- [C17] Id answered twice at $.x, fingerprint dddddddddddddddd",
        "",
        "=== Baseline entries not seen: possibly fixed (1)",
        "- known[2], fingerprint ffffffffffffffff: gone? (CF-2)",
        "",
        "=== Expired baseline entries (1)",
        "- baseline entry known[1] (fingerprint eeeeeeeeeeeeeeee, CF-1) expired on 2030-06-01; "
        "it matched a finding of this run",
    ]


def test_markdown_opens_with_the_counts_and_groups_the_findings() -> None:
    text = render_markdown(_report())
    assert text.split("\n\n")[:3] == [
        "## ContraForce conformance: staging",
        "**NOT CONFORMING**: 3 failing finding(s); 1 baseline entry(ies) expired",
        "**Triage:** 1 new, 1 still failing, 1 fixed, 1 flaky, 1 known "
        "(since last.json (profile nightly, seed 1))",
    ]
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == [
        "### New (1)",
        "### Still failing (1)",
        "### Flaky: did not reproduce on replay (1)",
        "### Known: covered by the baseline (1)",
        "### Fixed since the previous run (1)",
        "### Baseline entries not seen: possibly fixed (1)",
        "### Expired baseline entries (1)",
    ]
    assert (
        "| `cccccccccccccccc` | [C15] Server error at HTTP status | 2 | known[0] | "
        "fix in 2.4 | CF-7 | 2030-07-01 |"
    ) in text
    assert "fingerprint `bbbbbbbbbbbbbbbb`, seen 2 time(s), replay: did not reproduce" in text
    assert "- baseline: `b.toml`" in text


def test_junit_skips_known_findings_with_the_reason_and_reference(tmp_path: Path) -> None:
    path = tmp_path / "j.xml"
    write_junit(_report(), path)
    clauses, findings = ET.parse(path).getroot().findall("testsuite")
    cases = {case.get("name", "").split(" [")[0]: case for case in findings.findall("testcase")}
    known = cases["cccccccccccccccc"].find("skipped")
    assert known is not None
    assert known.get("message") == (
        "known failure cccccccccccccccc: fix in 2.4 (CF-7), known[0] expires 2030-07-01"
    )
    flaky = cases["bbbbbbbbbbbbbbbb"].find("failure")
    assert flaky is not None
    assert flaky.get("type") == "flaky"
    # One test case per finding, whatever kinds of request showed it; they are listed in it.
    assert "kinds of request: probe: p (2)" in (flaky.text or "")
    expired = cases["baseline known[1] eeeeeeeeeeeeeeee"].find("failure")
    assert expired is not None
    assert expired.get("type") == "expired"
    assert (findings.get("tests"), findings.get("failures"), findings.get("skipped")) == (
        "5",
        "4",
        "1",
    )
    assert clauses.get("failures") == "2"


def test_junit_with_flaky_as_warnings_skips_a_clause_whose_failures_are_all_tolerated(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.xml"
    write_junit(_report("warn"), path)
    clauses, _ = ET.parse(path).getroot().findall("testsuite")
    c11 = clauses.find("testcase[@name='C11 c11']")
    assert c11 is not None
    skipped = c11.find("skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        'only tolerated failures: flaky bbbbbbbbbbbbbbbb, a warning only ([checks] flaky = "warn")'
        ": did not reproduce in 3 replay(s): flaky"
    )
    assert clauses.find("testcase[@name='C15 c15']/failure") is not None


def test_json_carries_status_fingerprint_replay_and_the_matching_entry(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_json(_report(), path)
    data = json.loads(path.read_text())
    known = data["findings"][2]
    assert {k: known[k] for k in ("fingerprint", "status", "count", "replay", "baseline")} == {
        "fingerprint": "cccccccccccccccc",
        "status": "known",
        "count": 2,
        "replay": {"attempts": 1, "reproduced": True, "note": ""},
        "baseline": {
            "entry": "known[0]",
            "fingerprint": "cccccccccccccccc",
            "reason": "fix in 2.4",
            "reference": "CF-7",
            "expires": "2030-07-01",
            "expired": False,
            "summary": "",
        },
    }
    assert data["triage"]["counts"] == {
        "new": 1,
        "still-failing": 1,
        "fixed": 1,
        "flaky": 1,
        "known": 1,
    }
    assert [e["entry"] for e in data["triage"]["baseline_expired"]] == ["known[1]"]
    assert data["triage"]["baseline_expired"][0]["matched"] is True
    assert data["passed"] is False
