"""The read-back phase (C21) against an in-memory API: it passes a conforming one, catches each
fault under its clause, and reads only what the read rule allows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from support.fake_time import FakeTime
from support.readback_api import ENVIRON, FAULTS, USERS, ReadbackApi, target_table

from conformance.checks import CheckContext
from conformance.reports import Progress
from conformance.run.client import TargetClient
from conformance.run.credentials import Redactor
from conformance.run.deadline import Deadline, OutOfTime
from conformance.run.phases import PhaseContext
from conformance.run.profiles import PROFILES
from conformance.run.readback import run_readback
from conformance.run.recorder import Recorder
from conformance.run.target import Target, parse_target

SUB_CLAUSES = ("C21a", "C21b", "C21c", "C21d", "C21e")


def _target(**options: Any) -> Target:
    relax = options.pop("relax", ())
    table = target_table(**options)
    table["checks"] = {"relax": list(relax)}
    return parse_target(table, source="fake.toml", environ=ENVIRON)


def _recorder(target: Target, seed: int = 1) -> Recorder:
    return Recorder(
        context=CheckContext(relaxed=target.relax),
        redactor=Redactor.for_credentials(target.credentials),
        seed=seed,
    )


def _run(
    api: ReadbackApi,
    target: Target,
    *,
    profile: str = "default",
    seed: int = 1,
    time: FakeTime | None = None,
    deadline: Deadline | None = None,
    recorder: Recorder | None = None,
) -> tuple[Recorder, PhaseContext, str]:
    time = time or FakeTime()
    recorder = recorder or _recorder(target, seed)
    out = io.StringIO()
    with TargetClient(
        target, transport=api.transport(), sleep=time.sleep, clock=time.clock, deadline=deadline
    ) as client:
        context = PhaseContext(client=client, recorder=recorder, progress=Progress(out), seed=seed)
        try:
            run_readback(context, PROFILES[profile], clock=time.clock)
        finally:
            context.close()
    return recorder, context, out.getvalue()


def _statuses(recorder: Recorder, context: PhaseContext) -> dict[str, str]:
    return {r.clause: r.status for r in recorder.clause_results(context.skipped)}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_conforming_api_passes_every_part_of_c21(seed: int) -> None:
    api = ReadbackApi()
    recorder, context, out = _run(api, _target(), seed=seed)
    statuses = _statuses(recorder, context)
    assert [statuses[c] for c in ("C21", *SUB_CLAUSES)] == ["passed"] * 6, recorder.records
    assert recorder.records == []
    assert recorder.checked["C21"] == len(list(api.gets()))
    assert f"{recorder.checked['C21']} reads judged" in out


@pytest.mark.parametrize(
    ("fault", "clause"),
    [
        pytest.param("loses-updates", "C21a", id="loses-updates"),
        pytest.param("drops-classification", "C21a", id="drops-classification"),
        pytest.param("drops-comments", "C21a", id="drops-comments"),
        pytest.param("ignores-remove-assignee", "C21a", id="ignores-remove-assignee"),
        pytest.param("stale-reads", "C21a", id="stale-reads"),
        pytest.param("wipes-omitted", "C21b", id="wipes-omitted"),
        pytest.param("writes-forbidden", "C21c", id="writes-forbidden"),
        pytest.param("applies-elsewhere", "C21d", id="applies-elsewhere"),
        pytest.param("wrong-order", "C21e", id="wrong-order"),
    ],
)
def test_each_fault_is_caught_under_its_clause(fault: str, clause: str) -> None:
    api = ReadbackApi(fault)
    if fault == "ignores-remove-assignee":
        api.assign_everyone(USERS[1])
    recorder, context, _ = _run(api, _target(), profile="nightly", seed=4)
    assert clause in {record.clause for record in recorder.records}
    assert _statuses(recorder, context)["C21"] == "failed"


def test_every_fault_of_the_fake_api_has_a_case() -> None:
    cases = test_each_fault_is_caught_under_its_clause.pytestmark[0].args[1]  # type: ignore[attr-defined]
    assert {case.values[0] for case in cases} == set(FAULTS)


def test_a_finding_shows_the_write_the_read_and_the_wait_with_secrets_redacted() -> None:
    recorder, _, _ = _run(ReadbackApi("stale-reads"), _target(), profile="smoke")
    record = next(r for r in recorder.records if r.clause == "C21a")
    assert record.message.startswith("[C21a] Accepted update not applied within 3 s\n")
    assert "after the write was answered; last read: curl -sS -X GET" in record.message
    assert "the write: curl -sS -X POST" in record.message
    assert "Basic [REDACTED]" in record.message
    for secret in ("writer-secret-value", "observer-secret-value"):
        assert secret not in str(record)
    assert record.request["method"] == "GET"


def test_a_failure_its_writes_show_alone_says_so() -> None:
    recorder, _, _ = _run(ReadbackApi("stale-reads"), _target(), profile="smoke")
    record = next(r for r in recorder.records if r.clause == "C21a")
    assert ", it failed again; the write alone: curl -sS -X POST" in record.message


def test_fingerprints_are_the_same_whatever_the_seed() -> None:
    def fingerprints(seed: int) -> set[str]:
        recorder, _, _ = _run(ReadbackApi("stale-reads"), _target(), profile="smoke", seed=seed)
        return {f.fingerprint for f in recorder.findings if f.identity.clause == "C21a"}

    assert fingerprints(5) == fingerprints(6) != set()


def test_a_failure_counts_when_it_is_judged_not_when_the_phase_reports() -> None:
    recorder, _, _ = _run(ReadbackApi("stale-reads"), _target())
    assert recorder.first_failure_at is not None
    assert recorder.first_failure_at < recorder.exchanges


def test_relaxed_clauses_are_not_judged() -> None:
    recorder, context, _ = _run(
        ReadbackApi("wipes-omitted"), _target(relax=["C21b", "C21e"]), profile="smoke"
    )
    assert "C21b" not in {record.clause for record in recorder.records}
    assert recorder.records == []
    assert recorder.first_failure_at is None
    statuses = _statuses(recorder, context)
    assert statuses["C21b"] == statuses["C21e"] == "skipped"


def test_without_an_observer_foreign_incidents_are_written_but_never_read() -> None:
    api = ReadbackApi()
    recorder, context, _ = _run(api, _target(observer=False), profile="smoke")
    assert _statuses(recorder, context)["C21"] == "passed"
    assert not any("ws-other" in str(request.url) for request in api.gets())


def test_reads_go_only_to_configured_paths_of_sandbox_incidents_and_spend_no_write_budget() -> None:
    api = ReadbackApi()
    _run(api, _target(), profile="smoke")
    for request in api.gets():
        assert request.url.path.startswith("/api/v2/workspaces/")
        assert request.url.path.split("/")[7] in {f"INC-{n}" for n in range(1, 7)} | {
            "INC-91",
            "INC-92",
        }
        assert not request.url.query


def test_a_field_the_answer_never_has_is_noted_once_not_failed() -> None:
    table = target_table()
    table["readback"]["fields"]["status"] = "$.state"
    target = parse_target(table, source="fake.toml", environ=ENVIRON)
    recorder, _, _ = _run(ReadbackApi(), target, profile="smoke")
    assert recorder.records == []
    notes = [n for n in recorder.notes if "readback.fields.status" in n]
    assert len(notes) == 1
    assert "'$.state' found nothing in" in notes[0]


def test_an_unreadable_incident_is_a_note_naming_the_configuration() -> None:
    table = target_table()
    table["sandbox"]["writable"][0]["source"] = "Splunk"  # the API knows it as Sentinel
    target = parse_target(table, source="fake.toml", environ=ENVIRON)
    recorder, _, _ = _run(ReadbackApi(), target, profile="smoke")
    assert any(
        note.startswith("read-back: INC-1 not judged: GET ") and "answered HTTP 404" in note
        for note in recorder.notes
    )


def test_without_readback_c21_is_skipped_with_the_reason() -> None:
    table = target_table()
    del table["readback"]
    target = parse_target(table, source="fake.toml", environ=ENVIRON)
    api = ReadbackApi()
    recorder, context, _ = _run(api, target, profile="smoke")
    results = {r.clause: r for r in recorder.clause_results(context.skipped)}
    assert results["C21"].status == "skipped"
    assert "no [readback] table" in results["C21"].reason
    assert api.requests == []


def test_past_the_deadline_the_phase_stops_and_reports_what_it_judged() -> None:
    time = FakeTime()
    # Long enough to settle and judge a round, not for sixteen (about 13 s on this clock).
    deadline = Deadline(6.0, clock=time.clock)
    target = _target()
    recorder = _recorder(target)
    with pytest.raises(OutOfTime):
        _run(
            ReadbackApi(),
            target,
            profile="release",
            time=time,
            deadline=deadline,
            recorder=recorder,
        )
    assert deadline.ran_out
    assert recorder.checked["C21"] > 0
    assert recorder.checked["C21a"] > 0


def test_failures_are_not_sent_again_when_the_run_has_no_time_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Threads add their waits to the fake clock in any order, so the rounds' fake time varies:
    # a budget far above it, and a need for narrowing far above the budget.
    monkeypatch.setattr("conformance.run.readback.NARROWING_WAITS", 100)
    time = FakeTime()
    deadline = Deadline(100.0, clock=time.clock)
    recorder, _, _ = _run(
        ReadbackApi("stale-reads"), _target(), profile="smoke", time=time, deadline=deadline
    )
    assert any("not sent again alone" in note for note in recorder.notes)
    record = next(r for r in recorder.records if r.clause == "C21a")
    assert "sent again alone" not in record.message


def test_only_a_part_of_c21_records_only_its_findings() -> None:
    api = ReadbackApi("wipes-omitted")
    target = _target()
    time = FakeTime()
    recorder = Recorder(
        context=CheckContext(),
        redactor=Redactor.for_credentials(target.credentials),
        seed=1,
        only={"C21a"},
    )
    with TargetClient(
        target, transport=api.transport(), sleep=time.sleep, clock=time.clock
    ) as client:
        context = PhaseContext(
            client=client, recorder=recorder, progress=Progress(io.StringIO()), seed=1
        )
        run_readback(context, PROFILES["smoke"], clock=time.clock)
        context.close()
    assert {record.clause for record in recorder.records} <= {"C21a"}
    assert recorder.checked["C21b"] == 0
