"""Replay for flakiness: each finding's example is sent again after the run, and judged again."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest
from support.fake_time import FakeTime

from conformance.checks import CheckContext, ConformanceFailure, Exchange, Intent, Request
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reports import Progress, Replay
from conformance.run.client import PlannedRequest, TargetClient
from conformance.run.credentials import Credential, Redactor
from conformance.run.deadline import Deadline
from conformance.run.findings import ReplayPlan
from conformance.run.phases import PhaseContext, run_probes
from conformance.run.probes import Probe
from conformance.run.recorder import Recorder
from conformance.run.replay import REPLAYS, replay_findings
from conformance.run.target import Limits, Target

Handler = Callable[[httpx.Request], httpx.Response]
INTENT = Intent(auth="valid", body="unknown")


def _context(
    handler: Handler, *, budget: int | None = None, only: frozenset[str] = frozenset({"C15"})
) -> PhaseContext:
    target = Target(
        name="t",
        base_url="http://127.0.0.1:1",
        writer=Credential("basic", "id", "replay-secret"),
        # One at a time: which replay spends the last write of a budget is then fixed.
        limits=Limits(timeout_seconds=1.0, retries=0, concurrency=1),
    )
    fake = FakeTime()
    client = TargetClient(
        target,
        max_write_requests=budget,
        transport=httpx.MockTransport(handler),
        sleep=fake.sleep,
        clock=fake.clock,
    )
    # Only C15 is judged, so that any answer below 500 passes whatever its body.
    recorder = Recorder(
        context=CheckContext(), redactor=Redactor.for_credentials(()), seed=1, only=only
    )
    return PhaseContext(client=client, recorder=recorder, progress=Progress(quiet=True), seed=1)


def _probe(name: str, content: bytes = b'{"items": []}') -> Probe:
    return Probe(name, ("C15",), PlannedRequest("POST", BULK_UPDATE_PATH, {}, content), INTENT)


class Server:
    """Answers each request with the next status of ``statuses`` (the last one repeats)."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.seen: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.content)
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if status == 0:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(status, headers={"Retry-After": "0"})


def _replays(context: PhaseContext) -> list[Replay | None]:
    replay_findings(context)
    return [logged.replay for logged in context.recorder.findings]


@pytest.mark.parametrize(
    ("statuses", "replay"),
    [
        pytest.param((500,), Replay(1, True), id="always-500"),
        pytest.param((500, 200, 500), Replay(2, True), id="second-replay"),
        pytest.param((500, 200, 200, 500), Replay(3, True), id="last-replay"),
        pytest.param((500, 200), Replay(REPLAYS, False), id="once-only-flaky"),
        pytest.param(
            (500, 429),
            Replay(0, False, "3 replay(s) still throttled (429), not judged"),
            id="throttled-is-not-flaky",
        ),
        pytest.param(
            # The client retries a 429 three times before it gives the request up.
            (500, 429, 429, 429, 429, 200),
            Replay(2, False, "1 replay(s) still throttled (429), not judged"),
            id="a-throttled-replay-counts-against-the-three",
        ),
    ],
)
def test_a_finding_is_replayed_until_it_shows_again(
    statuses: tuple[int, ...], replay: Replay
) -> None:
    server = Server(*statuses)
    context = _context(server)
    with context.client:
        run_probes(context, [_probe("crash")])
        assert _replays(context) == [replay]
    assert replay.flaky is (replay.attempts > 0 and not replay.reproduced)


def test_findings_of_one_example_share_its_replays() -> None:
    # Two clauses fail on one answer: C15 and C11 (a schema-violating body answered 500).
    server = Server(500)
    context = _context(server, only=frozenset({"C11", "C15"}))
    invalid = Probe(
        "invalid",
        ("C11",),
        PlannedRequest("POST", BULK_UPDATE_PATH, {}, b'{"items": 1}'),
        Intent(auth="valid", body="invalid"),
    )
    with context.client:
        run_probes(context, [invalid])
        replays = _replays(context)
    assert [f.identity.clause for f in context.recorder.findings] == ["C11", "C15"]
    assert replays == [Replay(1, True), Replay(1, True)]
    assert len(server.seen) == 2


def test_a_replay_showing_another_failure_does_not_reproduce_the_finding() -> None:
    # Answered 500 during the run (C11: not answered with 400), then 200 on every replay
    # (C11: accepted): another title, so another fingerprint.
    server = Server(500, 200)
    context = _context(server, only=frozenset({"C11"}))
    invalid = Probe(
        "invalid",
        ("C11",),
        PlannedRequest("POST", BULK_UPDATE_PATH, {}, b'{"items": 1}'),
        Intent(auth="valid", body="invalid"),
    )
    with context.client:
        run_probes(context, [invalid])
        assert _replays(context) == [Replay(REPLAYS, False)]


def test_a_multi_request_example_is_sent_whole_each_time() -> None:
    server = Server(200, 500, 200, 500)
    context = _context(server)
    first = PlannedRequest("POST", BULK_UPDATE_PATH, {}, b'{"step": 1}')
    second = PlannedRequest("POST", BULK_UPDATE_PATH, {}, b'{"step": 2}')
    plan = ReplayPlan(((first, INTENT), (second, INTENT)))
    with context.client:
        context.client.send(first)
        response = context.client.send(second)
        exchange = _exchange(second, response)
        [failure] = context.recorder.evaluate(exchange)
        context.recorder.add(failure, exchange, phase="property: pairs (flaky)", replay=plan)
        assert _replays(context) == [Replay(1, True)]
    assert server.seen == [b'{"step": 1}', b'{"step": 2}'] * 2
    [logged] = context.recorder.findings
    assert (dict(logged.kinds), logged.example.phase) == (
        {"property: pairs (flaky)": 1},
        "property: pairs (flaky)",
    )


def test_extra_checks_judge_the_replays_too() -> None:
    server = Server(200)
    context = _context(server)
    judged: list[int] = []

    def extra(exchange: Exchange) -> list[ConformanceFailure]:
        judged.append(exchange.status)
        return [
            ConformanceFailure(
                clause="C1", check="schemathesis:X", title="X", received="", expected="", path="P"
            )
        ]

    planned = PlannedRequest("POST", BULK_UPDATE_PATH, {}, b"{}")
    with context.client:
        exchange = _exchange(planned, context.client.send(planned))
        [failure] = extra(exchange)
        context.recorder.add(
            failure,
            exchange,
            phase="property: fuzz",
            replay=ReplayPlan(((planned, INTENT),), extra),
        )
        assert _replays(context) == [Replay(1, True)]
    assert judged == [200, 200]


def test_an_unanswered_request_reproduces_on_replay_when_it_goes_unanswered_again() -> None:
    # The probe goes unanswered, then a liveness check is answered; on replay the same again.
    server = Server(0, 401, 0, 401)
    context = _context(server, only=frozenset({"C22"}))
    with context.client:
        run_probes(context, [_probe("hang", b"[1]")])
        [logged] = context.recorder.findings
        assert logged.identity.at == f"POST {BULK_UPDATE_PATH}"
        assert _replays(context) == [Replay(1, True)]


def test_an_unanswered_request_is_replayed_once_only() -> None:
    """Answered on its one replay: flaky, and not sent a second or third time."""
    server = Server(0, 401, 200)
    context = _context(server, only=frozenset({"C22"}))
    with context.client:
        run_probes(context, [_probe("hang", b"[1]")])
        assert _replays(context) == [Replay(1, False)]
    assert server.seen == [b"[1]", b"", b"[1]"]


def test_the_replays_of_several_hangs_go_out_side_by_side() -> None:
    """Four hangs on four kinds of input (four findings), each held until all four replays
    are in flight at once."""
    arrived = threading.Barrier(4, timeout=10)
    replaying = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        if not request.content:
            return httpx.Response(401)  # the liveness check
        if replaying.is_set():
            arrived.wait()  # breaks (and fails the test) unless the four are in flight together
        raise httpx.ReadTimeout("timed out", request=request)

    target = Target(
        name="t",
        base_url="http://127.0.0.1:1",
        writer=Credential("basic", "id", "replay-secret"),
        limits=Limits(timeout_seconds=1.0, retries=0, concurrency=4),
    )
    fake = FakeTime()
    client = TargetClient(
        target, transport=httpx.MockTransport(handler), sleep=fake.sleep, clock=fake.clock
    )
    recorder = Recorder(
        context=CheckContext(),
        redactor=Redactor.for_credentials(()),
        seed=1,
        only=frozenset({"C22"}),
    )
    context = PhaseContext(client=client, recorder=recorder, progress=Progress(quiet=True), seed=1)
    with client:
        bodies = (b"[1]", b'"text"', b"7", b'{"items": null}')
        run_probes(context, [_probe(f"hang {n}", body) for n, body in enumerate(bodies)])
        replaying.set()
        try:
            assert _replays(context) == [Replay(1, True)] * 4
        finally:
            context.close()


def test_a_spent_time_budget_stops_the_replays_with_a_note() -> None:
    server = Server(500)
    context = _context(server)
    with context.client:
        run_probes(context, [_probe("one", b"[1]")])
        fake = FakeTime()
        context.client.deadline = Deadline(1.0, clock=fake.clock)
        fake.sleep(1.0)
        spent = (
            "the run's time budget of 1 s is spent "
            "(raise limits.max_run_seconds or --max-run-seconds to allow more)"
        )
        assert _replays(context) == [Replay(0, False, spent)]
    assert context.recorder.notes == [f"replay stopped: {spent}"]
    assert context.client.deadline.ran_out


def test_a_spent_write_budget_stops_the_replays_with_a_note() -> None:
    server = Server(500)
    context = _context(server, budget=3)
    with context.client:
        run_probes(context, [_probe("one", b"[1]"), _probe("two", b'"two"')])
        assert _replays(context) == [
            Replay(1, True),
            Replay(
                0,
                False,
                "write budget of 3 requests used up "
                "(raise limits.max_write_requests to allow more)",
            ),
        ]
    assert context.recorder.notes == [
        "replay stopped: write budget of 3 requests used up "
        "(raise limits.max_write_requests to allow more)"
    ]


def test_a_budget_spent_after_some_replays_leaves_a_flaky_finding_with_a_note() -> None:
    server = Server(500, 200)
    context = _context(server, budget=3)
    with context.client:
        run_probes(context, [_probe("one")])
        assert _replays(context) == [
            Replay(
                2,
                False,
                "only 2 of 3 replays: write budget of 3 requests used up "
                "(raise limits.max_write_requests to allow more)",
            )
        ]


def test_nothing_is_sent_without_findings() -> None:
    server = Server(200)
    context = _context(server)
    with context.client:
        run_probes(context, [_probe("fine")])
        assert _replays(context) == []
    assert len(server.seen) == 1


def _exchange(planned: PlannedRequest, response: httpx.Response) -> Exchange:
    request = Request.from_content(
        planned.method, str(response.request.url), dict(planned.headers), planned.content
    )
    return Exchange(request, response, INTENT)
