"""The faults in what the API does (C21): each shows in what a read returns, never in the answer.

Every scenario runs against a conforming app and against one with the fault on. The answers
to its writes must be the same for both (the bulk-update answer stays correct); what the
reads return must look right for the first and broken, as the fault's description says, for
the second. The table must have a row for every C21 fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from support.reference_requests import W1, W2, W3, auth_of, items, post_bulk

from conformance.reference import (
    COMMENTS_PATH,
    FAULTS,
    READ_BACK_PATH,
    create_app,
    in_process_client,
    reference_state,
)
from conformance.reference.state import ReferenceState
from conformance.reference.store import USERS

HOME = {"INC-1": W1, "INC-2": W2, "INC-3": W3}


@dataclass
class Session:
    """Writes as the writer, reads as the observer (it sees every workspace)."""

    client: httpx.Client
    state: ReferenceState
    answers: list[Any] = field(default_factory=list)

    def post(self, body: Any, *, settle: bool = True) -> None:
        response = post_bulk(self.client, body, headers=auth_of(self.state.credentials.writer))
        assert response.status_code == 200, response.text
        self.answers.append(response.json()["data"])
        if settle:
            self.settle()

    def settle(self) -> None:
        assert self.state.worker.wait_idle(timeout=5)

    def _get(self, template: str, incident_id: str) -> Any:
        snapshot = self.state.store.snapshot(incident_id)
        assert snapshot is not None
        path = template.format(
            workspaceId=HOME[incident_id[:5]],
            source=snapshot["incidentSource"],
            incidentId=incident_id,
        )
        response = self.client.get(path, headers=auth_of(self.state.credentials.observer))
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def read(self, incident_id: str) -> dict[str, Any]:
        incident: dict[str, Any] = self._get(READ_BACK_PATH, incident_id)
        return incident

    def comments(self, incident_id: str) -> list[str]:
        return [comment["message"] for comment in self._get(COMMENTS_PATH, incident_id)]


Scenario = Callable[[Session], Any]
"""Writes, then returns what the reads show."""


@dataclass(frozen=True)
class Case:
    scenario: Scenario
    broken: Callable[[Any], bool]
    apply_delay: float = 0.0


def lose_updates(session: Session) -> list[str]:
    ids = ["INC-1001", "INC-1002", "INC-1003", "INC-2001", "INC-2002", "INC-2003"]
    for incident_id in ids:
        session.post(items(incident_id, status="Closed"))
    return [session.read(incident_id)["status"] for incident_id in ids]


def close_and_classify(session: Session) -> dict[str, Any]:
    fields = {"classification": "TruePositive", "classificationReason": "Malware"}
    session.post(items("INC-1001", status="Closed", **fields))
    return session.read("INC-1001")


def comment(session: Session) -> list[str]:
    session.post(items("INC-1002", comment="contained on host 7"))
    return session.comments("INC-1002")


def assign_then_remove(session: Session) -> Any:
    session.post(items("INC-1003", user={"id": USERS[0]["id"]}))
    session.post(items("INC-1003", removeAssignee=True))
    return session.read("INC-1003")["assignee"]


def read_write_read(session: Session) -> tuple[str, list[str]]:
    session.read("INC-2001")
    session.post(items("INC-2001", status="Closed", comment="closed after review"))
    return session.read("INC-2001")["status"], session.comments("INC-2001")


def triage_then_close(session: Session) -> dict[str, Any]:
    session.post(
        items(
            "INC-2002",
            classification="FalsePositive",
            classificationReason="IncorrectAlertLogic",
            user={"id": USERS[1]["id"]},
        )
    )
    session.post(items("INC-2002", status="Closed"))
    return session.read("INC-2002")


def forbidden_writes(session: Session) -> list[str]:
    body = {
        "items": [
            {"id": "INC-3001", "status": "Closed"},  # foreign
            {"id": "INC-3002", "status": "Closed", "workspace": W1},  # foreign, hinted as own
            {"id": "INC-1004", "status": "Closed", "workspace": W2},  # writable, wrong hint
        ]
    }
    session.post(body)
    return [session.read(i)["status"] for i in ("INC-3001", "INC-3002", "INC-1004")]


def unnamed_neighbours(session: Session) -> dict[str, str]:
    session.post(items("INC-1001", status="Closed"))
    session.post(items("INC-2005", status="Active"))
    return {i: session.read(i)["status"] for i in ("INC-1002", "INC-2001", "INC-2002")}


def two_requests_close_together(session: Session) -> str:
    session.post(items("INC-1005", status="Active"), settle=False)
    session.post(items("INC-1005", status="Closed"), settle=False)
    session.settle()
    status: str = session.read("INC-1005")["status"]
    return status


CASES: dict[str, Case] = {
    "lose-every-third-update": Case(lose_updates, lambda seen: seen.count("New") == 2),
    "drop-classification-with-status": Case(
        close_and_classify,
        lambda seen: (
            seen["status"] == "Closed"
            and (seen["classification"], seen["classificationReason"]) == (None, None)
        ),
    ),
    "drop-comments": Case(comment, lambda seen: seen == []),
    "ignore-remove-assignee": Case(assign_then_remove, lambda seen: seen == USERS[0]),
    "stale-reads": Case(read_write_read, lambda seen: seen == ("New", [])),
    "wipe-omitted-fields": Case(
        triage_then_close,
        lambda seen: (
            seen["status"] == "Closed"
            and (seen["classification"], seen["classificationReason"], seen["assignee"])
            == (None, None, None)
        ),
    ),
    "write-forbidden": Case(forbidden_writes, lambda seen: seen == ["Closed"] * 3),
    "update-next-incident": Case(
        unnamed_neighbours,
        lambda seen: seen == {"INC-1002": "Closed", "INC-2001": "Active", "INC-2002": "New"},
    ),
    "later-update-first": Case(
        two_requests_close_together, lambda seen: seen == "Active", apply_delay=0.3
    ),
}


def run(case: Case, faults: tuple[str, ...]) -> tuple[list[Any], Any]:
    """The answers to the scenario's writes, and what its reads showed."""
    app = create_app(faults=faults, apply_delay=case.apply_delay)
    state = reference_state(app)
    with in_process_client(app) as client:
        session = Session(client, state)
        seen = case.scenario(session)
    assert state.worker.failures == []
    return session.answers, seen


def test_every_c21_fault_has_a_case() -> None:
    c21 = {name for name, fault in FAULTS.items() if fault.clause.startswith("C21")}
    assert sorted(CASES) == sorted(c21)


def test_the_c21_faults_cover_each_part_of_the_clause() -> None:
    clauses = {FAULTS[name].clause for name in CASES}
    assert clauses == {"C21a", "C21b", "C21c", "C21d", "C21e"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fault_shows_in_what_reads_return_and_never_in_the_answer(name: str) -> None:
    case = CASES[name]
    conforming_answers, conforming_seen = run(case, ())
    faulty_answers, faulty_seen = run(case, (name,))
    assert not case.broken(conforming_seen), f"the conforming app already reads {conforming_seen}"
    assert case.broken(faulty_seen), f"{name} read back as {faulty_seen}"
    assert faulty_answers == conforming_answers, "the fault changed the bulk-update answer"


def test_lost_updates_are_every_third_counted_over_every_request() -> None:
    answers, seen = run(CASES["lose-every-third-update"], ("lose-every-third-update",))
    assert seen == ["Closed", "Closed", "New", "Closed", "Closed", "New"]
    assert [answer["accepted"] for answer in answers] == [
        [incident_id] for incident_id in ("INC-1001", "INC-1002", "INC-1003")
    ] + [[incident_id] for incident_id in ("INC-2001", "INC-2002", "INC-2003")]


def test_the_stale_read_side_serves_what_the_first_read_saw() -> None:
    app = create_app(faults=("stale-reads",), apply_delay=0)
    state = reference_state(app)
    with in_process_client(app) as client:
        session = Session(client, state)
        session.post(items("INC-1001", status="Active"))
        assert session.read("INC-1001")["status"] == "Active"  # the cache is filled here
        session.post(items("INC-1001", status="Closed"))
        assert session.read("INC-1001")["status"] == "Active"
    snapshot = state.store.snapshot("INC-1001")
    assert snapshot is not None
    assert snapshot["status"] == "Closed"  # applied, only never shown


def test_a_later_request_is_applied_in_order_once_the_earlier_one_has_landed() -> None:
    """The stack reorders only updates pending together, as two close requests are."""
    app = create_app(faults=("later-update-first",), apply_delay=0.05)
    state = reference_state(app)
    with in_process_client(app) as client:
        session = Session(client, state)
        session.post(items("INC-1005", status="Active"))
        session.post(items("INC-1005", status="Closed"))
        assert session.read("INC-1005")["status"] == "Closed"


@pytest.fixture
def sessions() -> Iterator[Callable[[tuple[str, ...]], Session]]:
    clients: list[httpx.Client] = []

    def make(faults: tuple[str, ...]) -> Session:
        app = create_app(faults=faults, apply_delay=0)
        client = in_process_client(app)
        clients.append(client)
        return Session(client, reference_state(app))

    yield make
    for client in clients:
        client.close()


def test_the_next_incident_wraps_around_within_the_workspace(
    sessions: Callable[[tuple[str, ...]], Session],
) -> None:
    session = sessions(("update-next-incident",))
    session.post(items("INC-1005", status="Closed"))
    assert [session.read(i)["status"] for i in ("INC-1005", "INC-1001")] == ["New", "Closed"]


def test_writing_forbidden_incidents_leaves_unknown_ids_alone(
    sessions: Callable[[tuple[str, ...]], Session],
) -> None:
    session = sessions(("write-forbidden",))
    session.post(items("cfct-00000000-0000-4000-8000-000000000000", status="Closed"))
    assert session.answers[0]["forbidden"][0]["incidentId"].startswith("cfct-")
    assert session.state.worker.failures == []
