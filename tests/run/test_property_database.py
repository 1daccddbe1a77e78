"""``--hypothesis-db``: each property replays its own failures, never another property's."""

import json
from collections import defaultdict
from pathlib import Path

import httpx
from hypothesis import strategies as st
from hypothesis.database import InMemoryExampleDatabase

from conformance.checks import CheckContext, Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reports import Progress
from conformance.run.client import PlannedRequest, TargetClient
from conformance.run.credentials import Credential, Redactor
from conformance.run.phases import PhaseContext
from conformance.run.properties import run_property
from conformance.run.property_database import PropertyDatabase
from conformance.run.recorder import Recorder
from conformance.run.target import Limits, Target

# Where each property's fault starts: a failure shrinks to exactly this number.
FAULTS = {"alpha": 500_000, "beta": 300_000}
# Two defects, told apart by their status (C15's identity), so each is a finding of its own.
ERRORS = {"alpha": 500, "beta": 502}


class Server:
    """Answers a 5xx (C15) to a property's numbers from its fault up, while ``faulty``."""

    def __init__(self, *, faulty: bool) -> None:
        self.faulty = faulty
        self.sent: dict[str, list[int]] = defaultdict(list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.sent[body["property"]].append(body["n"])
        broken = self.faulty and body["n"] >= FAULTS[body["property"]]
        return httpx.Response(ERRORS[body["property"]] if broken else 200)


def _night(server: Server, database: Path, seed: int) -> Recorder:
    target = Target(
        name="t",
        base_url="http://127.0.0.1:1",
        writer=Credential("bearer", secret="db-secret"),
        limits=Limits(concurrency=2, retries=0),
    )
    # C15 alone: the stand-in answers without the envelope the other clauses ask for.
    recorder = Recorder(
        context=CheckContext(), redactor=Redactor(), seed=seed, only=frozenset({"C15"})
    )
    context = PhaseContext(
        client=TargetClient(target, transport=httpx.MockTransport(server)),
        recorder=recorder,
        progress=Progress(quiet=True),
        seed=seed,
        database_dir=str(database),
    )
    for name in FAULTS:

        def plan(n: int, name: str = name) -> list[tuple[PlannedRequest, Intent]]:
            body = json.dumps({"property": name, "n": n}).encode()
            headers = {"Content-Type": "application/json", "Authorization": "Bearer db-secret"}
            return [(PlannedRequest("POST", BULK_UPDATE_PATH, headers, body), Intent())]

        run_property(context, name, st.integers(0, 1_000_000), plan, max_examples=40)
    context.close()
    return recorder


def test_each_property_replays_only_its_own_failure(tmp_path: Path) -> None:
    database = tmp_path / "db"
    first = Server(faulty=True)
    found = _night(first, database, seed=1)
    assert sorted(record.request["body"]["n"] for record in found.records) == sorted(
        FAULTS.values()
    )
    # The next night the faults are fixed: what each property replays is what it saved.
    second = Server(faulty=False)
    _night(second, database, seed=2)
    for name, fault in FAULTS.items():
        others = {other for other in FAULTS.values() if other != fault}
        assert fault in second.sent[name], f"{name} did not replay its failure"
        assert others.isdisjoint(second.sent[name]), f"{name} replayed another's failure"


def test_a_property_database_files_every_key_under_its_prefix() -> None:
    shared = InMemoryExampleDatabase()
    alpha, beta = PropertyDatabase(shared, b"alpha@t"), PropertyDatabase(shared, b"beta@t")
    alpha.save(b"key", b"1")
    beta.save(b"key", b"2")
    alpha.move(b"key", b"key.secondary", b"1")
    assert (list(alpha.fetch(b"key")), list(beta.fetch(b"key"))) == ([], [b"2"])
    assert list(alpha.fetch(b"key.secondary")) == [b"1"]
    beta.delete(b"key", b"2")
    assert list(beta.fetch(b"key")) == []
