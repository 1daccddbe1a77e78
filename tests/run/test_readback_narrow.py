"""Narrowing a read-back failure: which failures are sent again, what is sent, what it says."""

from __future__ import annotations

from typing import Any, cast

import pytest

from conformance.checks import ConformanceFailure, Exchange
from conformance.readback import Snapshot
from conformance.run.readback_narrow import MOST_NARROWED, Narrowed, alone, to_narrow
from conformance.run.readback_rounds import Finding, Verdict

SNAPSHOT = Snapshot({"status": "Active"})
PAIR = (
    ({"id": "INC-1", "status": "Active", "comment": "note 1"}, {"id": "INC-2", "status": "New"}),
    ({"id": "INC-1", "status": "Closed"},),
)


def failure(clause: str = "C21a", path: str = "readback.fields.status") -> Finding:
    found = ConformanceFailure(
        clause=clause, check="c", title="t", received="r", expected="e", path=path
    )
    return Finding(found, cast(Exchange, None))


def verdict(incident: str, *findings: Finding, writes: Any = PAIR) -> Verdict:
    return Verdict(incident, SNAPSHOT, list(findings), None, writes, ("curl 1", "curl 2"))


def test_alone_keeps_only_the_incidents_items_in_order_with_a_new_comment() -> None:
    assert alone(PAIR, "INC-1") == (
        ({"id": "INC-1", "status": "Active", "comment": "note 1 (sent again)"},),
        ({"id": "INC-1", "status": "Closed"},),
    )
    assert alone(PAIR, "INC-2") == (({"id": "INC-2", "status": "New"},),)
    assert alone(PAIR, "INC-9") == ()


def test_one_failure_per_clause_and_field_and_per_incident_is_sent_again() -> None:
    verdicts = [
        verdict("INC-1", failure()),
        verdict("INC-2", failure()),  # the same clause and field: once is enough
        verdict("INC-1", failure("C21b", "readback.fields.assignee")),  # INC-1 already chosen
        verdict("INC-3", failure("C21d"), writes=()),  # no write named it
        verdict("INC-4", failure("C21e")),  # no item names INC-4
        verdict("INC-2", failure("C21c", "readback.comments")),
    ]
    chosen = to_narrow(verdicts, selects=lambda clause: True, can_read=lambda incident: True)
    assert chosen == [verdicts[0], verdicts[5]]


def test_unselected_clauses_and_unreadable_incidents_are_not_sent_again() -> None:
    verdicts = [verdict("INC-1", failure()), verdict("INC-2", failure("C21b"))]
    assert to_narrow(verdicts, selects=lambda c: c != "C21a", can_read=lambda i: True) == [
        verdicts[1]
    ]
    assert to_narrow(verdicts, selects=lambda c: True, can_read=lambda i: i != "INC-1") == [
        verdicts[1]
    ]


def test_at_most_a_few_failures_are_sent_again() -> None:
    incidents = [f"INC-{n}" for n in range(MOST_NARROWED + 3)]
    writes = tuple(({"id": incident, "status": "New"},) for incident in incidents)
    verdicts = [
        verdict(incident, failure(path=f"readback.fields.{incident}"), writes=writes)
        for incident in incidents
    ]
    chosen = to_narrow(verdicts, selects=lambda c: True, can_read=lambda i: True)
    assert len(chosen) == MOST_NARROWED


@pytest.mark.parametrize(
    ("again", "said"),
    [
        pytest.param(
            verdict("INC-1", failure()),
            "; sent again alone (2 requests of 2 items, naming only INC-1), it failed again; "
            "the writes alone: curl 1; then curl 2",
            id="failed-again",
        ),
        pytest.param(
            verdict("INC-1"),
            "; sent again alone (2 requests of 2 items, naming only INC-1), it did not fail: "
            "it needed the rest of its lane (2 requests of 3 items) and round, or it does not "
            "happen every time",
            id="did-not-fail",
        ),
        pytest.param(
            verdict("INC-1", failure("C21b")),
            ", it did not fail: it needed",
            id="another-clause-is-not-the-same-failure",
        ),
        pytest.param(None, "; not sent again alone: INC-1 did not settle", id="never-settled"),
    ],
)
def test_each_finding_says_what_sending_its_writes_again_alone_showed(
    again: Verdict | None, said: str
) -> None:
    narrowed = Narrowed(verdict("INC-1", failure(), failure(path="readback.comments")), again)
    findings = narrowed.findings()
    assert len(findings) == 2
    for finding in findings:
        assert finding.failure.received.startswith("r; ")
        assert said in finding.failure.received
        assert finding.failure.title == "t"
