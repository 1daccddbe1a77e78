"""Sub-clauses in the recorder: a part's failure fails its clause, and ``--only C21`` selects
every part of it."""

from __future__ import annotations

import httpx

from conformance.checks import CheckContext, ConformanceFailure, Exchange, Request
from conformance.run.credentials import Redactor
from conformance.run.recorder import Recorder

FAILURE = ConformanceFailure(
    clause="C21c",
    check="forbidden_untouched_conformance",
    title="Update answered as forbidden changed the incident (authorisation bypass)",
    received="r",
    expected="e",
    path="readback.fields.status",
)
READ = Exchange(Request("GET", "https://s.example/i/INC-1"), httpx.Response(200, json={}))


def _results(recorder: Recorder) -> dict[str, tuple[str, int, int, str]]:
    return {
        r.clause: (r.status, r.checked, r.failures, r.reason)
        for r in recorder.clause_results()
        if r.clause.startswith("C21")
    }


def test_a_failing_part_fails_its_clause_and_a_tally_counts_the_reads() -> None:
    recorder = Recorder(context=CheckContext(), redactor=Redactor(), seed=1)
    recorder.tally("C21", 12)
    recorder.tally("C21c", 3)
    recorder.add(FAILURE, READ, phase="read-back", kind="read-back: C21c", replayable=False)
    results = _results(recorder)
    assert results["C21"][:3] == ("failed", 12, 1)
    assert results["C21c"][:3] == ("failed", 3, 1)
    assert results["C21a"][0] == "skipped"
    [logged] = list(recorder.findings)
    assert logged.plan is None  # judged over time: no single resend shows it


def test_only_the_whole_clause_selects_its_parts() -> None:
    recorder = Recorder(context=CheckContext(), redactor=Redactor(), seed=1, only={"C21"})
    assert recorder.selects("C21e")
    assert not recorder.selects("C20")
    recorder.tally("C21e")
    assert _results(recorder)["C21e"][:2] == ("passed", 1)


def test_only_a_part_leaves_the_others_out() -> None:
    recorder = Recorder(context=CheckContext(), redactor=Redactor(), seed=1, only={"C21a"})
    recorder.tally("C21b")
    assert _results(recorder)["C21b"] == ("skipped", 0, 0, "not in --only")
