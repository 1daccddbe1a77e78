"""Each finding's status against the baseline and the previous run, and what else is listed."""

from __future__ import annotations

import datetime

import pytest

from conformance.reports import (
    BaselineEntry,
    FailureRecord,
    Finding,
    FindingStatus,
    Identity,
    PastFinding,
    Replay,
    RunReport,
)
from conformance.triage import PreviousRun, classify

TODAY = datetime.date(2030, 6, 15)
LATER = datetime.date(2030, 7, 1)
EARLIER = datetime.date(2030, 6, 1)


def _identity(label: str, clause: str = "C15") -> Identity:
    """A distinct identity per label: the label is its title."""
    return Identity(clause, "check", label, "HTTP status")


def _fingerprint(label: str) -> str:
    return _identity(label).fingerprint


def _finding(
    label: str, *, replay: Replay | None = None, kinds: tuple[str, ...] = ("probe: p",)
) -> Finding:
    record = FailureRecord("C15", "check", "message", "probe: p", {}, {}, "", 1)
    return Finding(_identity(label), dict.fromkeys(kinds, 1), record, replay)


def _entry(label: str, expires: datetime.date, index: int = 0) -> BaselineEntry:
    return BaselineEntry(index, _fingerprint(label), "accepted for now", "CF-1", expires)


def _past(label: str, clause: str = "C15") -> PastFinding:
    return PastFinding(_identity(label, clause))


def _previous(*past: PastFinding) -> PreviousRun:
    return PreviousRun("last.json", "nightly", 1, past)


REPRODUCED = Replay(1, True)
FLAKY = Replay(3, False)


@pytest.mark.parametrize(
    ("replay", "in_baseline", "before", "status"),
    [
        pytest.param(REPRODUCED, False, False, "new", id="new"),
        pytest.param(None, False, False, "new", id="new-not-replayed"),
        pytest.param(Replay(0, False, "budget"), False, False, "new", id="unreplayed"),
        pytest.param(REPRODUCED, False, True, "still-failing", id="still-failing"),
        pytest.param(FLAKY, False, True, "flaky", id="flaky-over-still-failing"),
        pytest.param(FLAKY, False, False, "flaky", id="flaky-over-new"),
        pytest.param(FLAKY, True, True, "known", id="known-over-flaky"),
        pytest.param(REPRODUCED, True, False, "known", id="known"),
    ],
)
def test_status_precedence(
    replay: Replay | None, in_baseline: bool, before: bool, status: FindingStatus
) -> None:
    finding = _finding("a", replay=replay)
    baseline = [_entry("a", LATER)] if in_baseline else []
    previous = _previous(_past("a")) if before else _previous()
    classify([finding], today=TODAY, baseline=baseline, previous=previous)
    assert finding.status == status
    assert (finding.baseline is not None) is in_baseline


def test_without_a_previous_report_every_finding_is_new() -> None:
    findings = [_finding("a"), _finding("b")]
    triage = classify(findings, today=TODAY)
    assert [f.status for f in findings] == ["new", "new"]
    assert triage.counts_line(findings) == (
        "2 new, 0 still failing, 0 fixed, 0 flaky, 0 known "
        "(no previous report: every finding counts as new)"
    )


def test_a_previous_finding_not_seen_is_fixed_only_where_this_run_could_see_it() -> None:
    previous = _previous(
        _past("a", "C15"),
        _past("b", "C17"),
        _past("c", "C15"),
    )
    findings = [_finding("c")]
    triage = classify(findings, today=TODAY, previous=previous, checked_clauses={"C15"})
    assert [past.identity.title for past in triage.fixed] == ["a"]
    assert [past.identity.title for past in triage.unchecked] == ["b"]
    assert triage.counts_line(findings) == (
        "0 new, 1 still failing, 1 fixed, 0 flaky, 0 known "
        "(since last.json (profile nightly, seed 1))"
    )


def test_an_incomplete_run_fixes_nothing() -> None:
    triage = classify(
        [],
        today=TODAY,
        previous=_previous(_past("a")),
        checked_clauses={"C15"},
        completed=False,
    )
    assert (triage.fixed, len(triage.unchecked)) == ([], 1)


def test_baseline_entries_expired_and_unseen() -> None:
    baseline = [
        _entry("a", LATER, 0),  # covers a finding
        _entry("b", LATER, 1),  # matches nothing: possibly fixed
        _entry("c", EARLIER, 2),  # expired, matches a finding
        _entry("d", TODAY, 3),  # expires today: expired, matches nothing
    ]
    findings = [_finding("a"), _finding("c")]
    triage = classify(findings, today=TODAY, baseline=baseline, baseline_source="b.toml")
    assert [f.status for f in findings] == ["known", "new"]
    assert findings[1].baseline == baseline[2]
    assert triage.unseen == [baseline[1]]
    assert triage.expired == [baseline[2], baseline[3]]
    assert [triage.expired_note(entry) for entry in triage.expired] == [
        f"baseline entry known[2] (fingerprint {_fingerprint('c')}, CF-1) expired on "
        "2030-06-01; it matched a finding of this run",
        f"baseline entry known[3] (fingerprint {_fingerprint('d')}, CF-1) expired on "
        "2030-06-15; nothing matched it this run: remove it",
    ]


def _report(findings: list[Finding]) -> RunReport:
    return RunReport("t", "https://t", "smoke", 1, findings=findings)


@pytest.mark.parametrize(
    ("policy", "entries", "passed", "verdict"),
    [
        pytest.param("fail", [], False, "NOT CONFORMING: 2 failing finding(s)", id="nothing-known"),
        pytest.param(
            "fail",
            [_entry("a", LATER)],
            False,
            "NOT CONFORMING: 1 failing finding(s)",
            id="flaky-fails",
        ),
        pytest.param(
            "warn",
            [_entry("a", LATER)],
            True,
            'PASSED WITH KNOWN FAILURES: 1 known (baseline), 1 flaky (flaky = "warn")',
            id="flaky-warns",
        ),
        pytest.param(
            "warn",
            [_entry("a", LATER), _entry("c", EARLIER, 1)],
            False,
            "FAILED: 1 baseline entry(ies) expired",
            id="an-expired-entry-fails",
        ),
        pytest.param(
            "fail",
            [_entry("a", EARLIER)],
            False,
            "NOT CONFORMING: 2 failing finding(s); 1 baseline entry(ies) expired",
            id="expired-entry-covers-nothing",
        ),
    ],
)
def test_what_fails_the_run(
    policy: str, entries: list[BaselineEntry], passed: bool, verdict: str
) -> None:
    findings = [_finding("a"), _finding("b", replay=FLAKY)]
    report = _report(findings)
    report.triage = classify(
        findings,
        today=TODAY,
        flaky_policy="warn" if policy == "warn" else "fail",
        baseline=entries,
    )
    assert (report.passed, report.verdict) == (passed, verdict)


def test_a_clean_run_conforms() -> None:
    report = _report([])
    report.triage = classify([], today=TODAY)
    assert (report.passed, report.verdict) == (True, "CONFORMING")


def test_a_baseline_entry_of_the_older_recipe_still_covers_its_finding() -> None:
    """Version 1 keyed a finding by its kind of request too: an entry written then matches
    the finding that lists that kind, and is named with the fingerprint to give it."""
    finding = _finding("a", kinds=("probe: p", "property: q"))
    older = BaselineEntry(
        0, finding.identity.legacy_fingerprint("property: q"), "accepted", "CF-1", LATER
    )
    triage = classify([finding], today=TODAY, baseline=[older])
    assert (finding.status, finding.baseline) == ("known", older)
    assert triage.unseen == []
    assert triage.translated == [(older, finding.fingerprint)]
    assert triage.translated_note(older, finding.fingerprint) == (
        f"baseline entry known[0] has a fingerprint of the older recipe ({older.fingerprint}); "
        f"it matched the finding {finding.fingerprint}: replace its fingerprint with "
        f"{finding.fingerprint}, or rewrite the file with --write-baseline"
    )


def test_an_entry_of_the_older_recipe_for_another_kind_matches_nothing() -> None:
    finding = _finding("a", kinds=("probe: p",))
    older = BaselineEntry(
        0, finding.identity.legacy_fingerprint("property: q"), "accepted", "CF-1", LATER
    )
    triage = classify([finding], today=TODAY, baseline=[older])
    assert (finding.status, triage.unseen, triage.translated) == ("new", [older], [])


def test_a_previous_finding_of_the_older_recipe_is_still_failing() -> None:
    finding = _finding("a", kinds=("probe: p",))
    past = PastFinding(
        Identity("C15", "check", "renamed since", "HTTP status"),
        legacy_fingerprints=frozenset({finding.identity.legacy_fingerprint("probe: p")}),
    )
    triage = classify([finding], today=TODAY, previous=_previous(past), checked_clauses={"C15"})
    assert finding.status == "still-failing"
    assert triage.fixed == []
