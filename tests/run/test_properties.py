"""The property runner: safety at the point of sending, shrinking, and the example database."""

import json
from pathlib import Path

import pytest
from hypothesis import strategies as st

from conformance.checks import CheckContext, Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reference import ReferenceServer
from conformance.reports import Progress
from conformance.run.client import PlannedRequest, TargetClient
from conformance.run.credentials import Credential, Redactor
from conformance.run.phases import PhaseContext
from conformance.run.properties import run_property
from conformance.run.recorder import Recorder
from conformance.run.target import Target
from conformance.sandbox import expected_outcomes

pytestmark = pytest.mark.socket


def _context(
    server: ReferenceServer, database: Path | None = None, *, seed: int = 1
) -> PhaseContext:
    writer = server.credentials.writer
    target = Target(
        name="t",
        base_url=server.base_url,
        writer=Credential("basic", writer.client_id, writer.secret),
        sandbox=server.sandbox,
    )
    return PhaseContext(
        client=TargetClient(target),
        recorder=Recorder(context=CheckContext(), redactor=Redactor(), seed=seed),
        progress=Progress(quiet=True),
        seed=seed,
        database_dir=str(database) if database else None,
    )


def _plan(context: PhaseContext, ids: list[str]) -> list[tuple[PlannedRequest, Intent]]:
    body = json.dumps({"items": [{"id": i} for i in ids]}).encode()
    headers = {
        "Content-Type": "application/json",
        "Authorization": context.client.target.writer.authorization(),
    }
    request = PlannedRequest("POST", BULK_UPDATE_PATH, headers, body)
    expected = expected_outcomes(context.client.target.sandbox, [{"id": i} for i in ids])
    return [(request, Intent(auth="valid", body="valid", expected=expected))]


def test_a_strategy_emitting_an_outside_id_is_stopped_where_requests_are_sent() -> None:
    with ReferenceServer() as server:
        context = _context(server)
        with context.client:
            run_property(
                context,
                "rogue strategy",
                st.just(["INC-1001", "PRODUCTION-INCIDENT-42"]),
                lambda ids: _plan(context, ids),
                max_examples=5,
            )
        assert context.client.stats.requests == 0
        assert context.recorder.notes == [
            "rogue strategy: too few generated requests could be sent safely; widen [sandbox]"
        ]


def test_a_failure_is_shrunk_before_it_is_recorded() -> None:
    # A foreign incident accepted is an authorisation bypass; the smallest failing example is
    # a request for that one incident, whatever the runs sent before.
    with ReferenceServer(faults=("accept-foreign",)) as server:
        context = _context(server)
        sandbox = server.sandbox
        ids = [incident.id for incident in (*sandbox.writable, *sandbox.foreign)]
        with context.client:
            run_property(
                context,
                "authorisation",
                st.lists(st.sampled_from(ids), min_size=1, max_size=6),
                lambda chosen: _plan(context, chosen),
                max_examples=30,
            )
    records = context.recorder.records
    assert records, "the bypass was not found"
    assert records[0].clause == "C20"
    [item] = records[0].request["body"]["items"]
    assert item["id"] in {incident.id for incident in sandbox.foreign}


def test_last_runs_failure_is_replayed_first(tmp_path: Path) -> None:
    # Night one finds a foreign incident accepted; night two, with another seed and a fresh
    # server, replays that example before generating anything new.
    database = tmp_path / "db"
    first_requests: list[int | None] = []
    for seed in (1, 2):
        with ReferenceServer(faults=("accept-foreign",)) as server:
            context = _context(server, database, seed=seed)
            sandbox = server.sandbox
            ids = [incident.id for incident in (*sandbox.writable, *sandbox.foreign)]
            with context.client:
                run_property(
                    context,
                    "authorisation",
                    st.lists(st.sampled_from(ids), min_size=1, max_size=6),
                    lambda chosen, context=context: _plan(context, chosen),
                    max_examples=50,
                )
        assert context.recorder.records, f"seed {seed}: the bypass was not found"
        first_requests.append(context.recorder.first_failure_at)
    assert any(path.is_file() for path in database.rglob("*"))
    assert first_requests[1] == 1
