"""Liveness (C22): preflight, unanswered requests as findings, and a target that is gone."""

import contextlib
import json
from collections.abc import Callable

import httpx
import pytest
from hypothesis import strategies as st
from support.fake_time import FakeTime

from conformance.checks import CheckContext, Exchange, Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reports import Progress
from conformance.run.client import NoAnswer, PlannedRequest, TargetClient, TargetUnreachable
from conformance.run.credentials import Credential, Redactor
from conformance.run.liveness import LIVENESS_CHECKS, Liveness
from conformance.run.phases import PhaseContext, Unanswered
from conformance.run.properties import run_property
from conformance.run.recorder import Recorder
from conformance.run.shrink_turns import SHRINK_REQUESTS
from conformance.run.target import Limits, Target
from conformance.sandbox import Incident, Sandbox

Handler = Callable[[httpx.Request], httpx.Response]
SECRET = "liveness-secret-9d2e"
ARRAY_BODY = b'[{"id": "INC-1"}]'
INTENT = Intent(auth="valid", body="invalid")


def _client(handler: Handler, fake: FakeTime, **limits: float) -> TargetClient:
    target = Target(
        name="t",
        base_url="http://127.0.0.1:1",
        writer=Credential("basic", "id", SECRET),
        sandbox=Sandbox(writable=(Incident("INC-1", "w"),)),
        limits=Limits(**limits),  # type: ignore[arg-type]
    )
    return TargetClient(
        target, transport=httpx.MockTransport(handler), sleep=fake.sleep, clock=fake.clock
    )


def _status(code: int, **headers: str) -> Handler:
    return lambda request: httpx.Response(code, headers=headers)


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def _refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("Connection refused", request=request)


def _silent_for(count: int, then: Handler) -> Handler:
    """Leaves the first ``count`` requests unanswered, then answers with ``then``."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return _timeout(request) if len(calls) <= count else then(request)

    return handler


def _hangs_on_arrays(request: httpx.Request) -> httpx.Response:
    """A server that never answers a top-level JSON array, and answers anything else."""
    if request.content.startswith(b"["):
        return _timeout(request)
    if "authorization" not in request.headers:
        return httpx.Response(401)
    return httpx.Response(200)


def _post(content: bytes) -> PlannedRequest:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {SECRET}"}
    return PlannedRequest("POST", BULK_UPDATE_PATH, headers, content)


def _context(client: TargetClient, *, only: frozenset[str] | None = None) -> PhaseContext:
    recorder = Recorder(
        context=CheckContext(),
        redactor=Redactor.for_credentials(client.target.credentials),
        seed=1,
        only=only,
    )
    return PhaseContext(client=client, recorder=recorder, progress=Progress(quiet=True), seed=1)


def _exchange(context: PhaseContext, planned: PlannedRequest, *, phase: str) -> Exchange:
    """Send ``planned`` as a phase does: an unanswered request is recorded under ``phase``."""
    try:
        return context.send(planned, INTENT)
    except Unanswered as silence:
        context.recorder.record_unanswered(silence.failure, silence.request, phase=phase)
        raise


# -- the liveness check itself ----------------------------------------------------------------


def test_the_liveness_check_is_a_post_without_credentials_or_body() -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(401)

    Liveness(_client(record, FakeTime())).preflight()
    assert [(r.method, r.url.path, r.content) for r in sent] == [("POST", BULK_UPDATE_PATH, b"")]
    assert "authorization" not in sent[0].headers


@pytest.mark.parametrize(
    "handler",
    [
        pytest.param(_status(200), id="200"),
        pytest.param(_status(401), id="401"),
        pytest.param(_status(404), id="404"),
        pytest.param(_status(500), id="500"),
        pytest.param(_status(429, **{"Retry-After": "0"}), id="429-throughout"),
    ],
)
def test_any_http_answer_proves_the_target_alive(handler: Handler) -> None:
    Liveness(_client(handler, FakeTime())).preflight()


@pytest.mark.parametrize(
    ("handler", "cause"),
    [
        pytest.param(_refuse, "ConnectError: Connection refused", id="refused"),
        pytest.param(_timeout, "ReadTimeout: timed out", id="timeout"),
    ],
)
def test_preflight_retries_like_any_request_then_reports_unreachable(
    handler: Handler, cause: str
) -> None:
    fake = FakeTime()
    client = _client(handler, fake, retries=2)
    with pytest.raises(TargetUnreachable) as excinfo:
        Liveness(client).preflight()
    assert str(excinfo.value) == f"127.0.0.1 is unreachable at preflight ({cause})"
    assert client.stats.requests == 3
    assert fake.slept == [0.5, 1.0]


def test_confirm_returns_at_the_first_answered_check() -> None:
    fake = FakeTime()
    client = _client(_silent_for(1, _status(401)), fake, retries=0)
    Liveness(client).confirm()
    assert client.stats.requests == 2
    assert fake.slept == [1.0]  # the pause between two checks


def test_confirm_gives_up_after_three_silent_checks_in_a_row() -> None:
    fake = FakeTime()
    client = _client(_timeout, fake, retries=1)
    with pytest.raises(TargetUnreachable) as excinfo:
        Liveness(client).confirm()
    assert str(excinfo.value) == (
        "127.0.0.1 is unreachable: a request went unanswered, then 3 liveness checks in a row "
        "did too (ReadTimeout: timed out)"
    )
    assert LIVENESS_CHECKS == 3
    assert client.stats.requests == 3 * 2
    # Each check retries once (0.5 s backoff); the checks are 1 s apart.
    assert fake.slept == [0.5, 1.0, 0.5, 1.0, 0.5]


def test_a_request_with_no_answer_says_where_and_how_often_it_was_tried() -> None:
    client = _client(_timeout, FakeTime(), retries=2)
    with pytest.raises(NoAnswer) as excinfo:
        client.send(_post(b"{}"))
    silence = excinfo.value
    assert (silence.url, silence.attempts, silence.cause) == (
        f"http://127.0.0.1:1{BULK_UPDATE_PATH}",
        3,
        "ReadTimeout: timed out",
    )
    assert str(silence) == "127.0.0.1 is unreachable (ReadTimeout: timed out)"


# -- an unanswered request in a phase ----------------------------------------------------------


def test_an_unanswered_request_becomes_a_c22_finding_with_its_reproducer() -> None:
    client = _client(_hangs_on_arrays, FakeTime(), retries=0, timeout_seconds=2.5)
    context = _context(client)
    with pytest.raises(Unanswered):
        _exchange(context, _post(ARRAY_BODY), phase="probe: malformed: body is an array")
    [record] = context.recorder.records
    assert (record.clause, record.check, record.phase) == (
        "C22",
        "liveness_conformance",
        "probe: malformed: body is an array",
    )
    assert record.message == (
        "[C22] Request got no answer\n"
        "Received: no HTTP answer in 1 attempt(s) (ReadTimeout: timed out), while the target "
        "still answers a liveness check\n"
        # Not retried: the target answered the liveness check meanwhile.
        "Expected: an HTTP answer within 2.5 s (limits.timeout_seconds)\n"
        f"At: POST {BULK_UPDATE_PATH}"
    )
    assert record.request == {
        "method": "POST",
        "url": f"http://127.0.0.1:1{BULK_UPDATE_PATH}",
        "headers": {"Content-Type": "application/json", "Authorization": "Bearer [REDACTED]"},
        "body": [{"id": "INC-1"}],
    }
    assert record.response == {}
    assert record.curl == (
        f"curl -sS -X POST http://127.0.0.1:1{BULK_UPDATE_PATH} "
        "-H 'Content-Type: application/json' -H 'Authorization: Bearer [REDACTED]' "
        """--data-binary '[{"id": "INC-1"}]'"""
    )
    assert SECRET not in json.dumps(record.request) + record.curl
    # The run goes on: the next request is sent and judged as usual.
    assert _exchange(context, _post(b"{}"), phase="next").status == 200
    assert client.stats.requests == 3  # the array, one liveness check, the next request


def test_unanswered_requests_are_counted_under_c22_and_answered_ones_pass_it() -> None:
    # --only C22, so that the answers' other shortcomings do not count as the first failure.
    context = _context(_client(_hangs_on_arrays, FakeTime(), retries=0), only=frozenset({"C22"}))
    for content in (b"{}", ARRAY_BODY, b"{}", ARRAY_BODY, b"{}"):
        with contextlib.suppress(Unanswered):
            context.recorder.check(_exchange(context, _post(content), phase="p"), phase="p")
    [c22] = [result for result in context.recorder.clause_results() if result.clause == "C22"]
    assert (c22.status, c22.checked, c22.failures) == ("failed", 5, 2)
    assert context.recorder.first_failure_at == 2


def test_c22_passes_when_every_request_got_an_answer() -> None:
    context = _context(_client(_hangs_on_arrays, FakeTime(), retries=0))
    context.recorder.check(_exchange(context, _post(b"{}"), phase="p"), phase="p")
    [c22] = [result for result in context.recorder.clause_results() if result.clause == "C22"]
    assert (c22.status, c22.checked, c22.failures) == ("passed", 1, 0)


def test_an_unanswered_request_outside_only_is_skipped_but_not_recorded() -> None:
    context = _context(_client(_hangs_on_arrays, FakeTime(), retries=0), only=frozenset({"C11"}))
    with pytest.raises(Unanswered):
        _exchange(context, _post(ARRAY_BODY), phase="p")
    assert context.recorder.records == []
    assert context.recorder.failed["C22"] == 0


def test_a_target_gone_silent_ends_the_phase_and_records_nothing() -> None:
    fake = FakeTime()
    client = _client(_silent_for(100, _status(200)), fake, retries=0)
    context = _context(client)
    with pytest.raises(TargetUnreachable, match="3 liveness checks in a row did too"):
        _exchange(context, _post(b"{}"), phase="p")
    assert context.recorder.records == []
    assert client.stats.requests == 1 + LIVENESS_CHECKS


# -- unanswered examples in a property -------------------------------------------------------


def _numbered(context: PhaseContext) -> Callable[[int], list[tuple[PlannedRequest, Intent]]]:
    """Example ``n`` is sent as ``[n]`` (never answered) when n < 3, else as ``{"n": n}``."""

    def plan(n: int) -> list[tuple[PlannedRequest, Intent]]:
        body = [n] if n < 3 else {"n": n}
        return [(_post(json.dumps(body).encode()), INTENT)]

    return plan


@pytest.mark.parametrize(
    ("concurrency", "examples"),
    [pytest.param(1, 9, id="one-run"), pytest.param(4, 30, id="five-runs")],
)
def test_an_unanswered_example_is_recorded_once_and_never_shrunk(
    concurrency: int, examples: int
) -> None:
    hung: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.content.startswith(b"["):
            hung.append(request.content)
        return _hangs_on_arrays(request)

    client = _client(handler, FakeTime(), retries=0, concurrency=concurrency)
    context = _context(client, only=frozenset({"C22"}))
    run_property(context, "numbers", st.integers(0, 9), _numbered(context), max_examples=examples)
    assert hung, "no example went unanswered"
    if concurrency == 1:
        # One run: the first unanswered example was sent once, never replayed or shrunk, and
        # the others, shaped like it (a JSON array of numbers), were not sent at all.
        assert len(hung) == 1
    recorder = context.recorder
    assert recorder.failed["C22"] == len(hung)
    assert context.silences.skipped["numbers"] >= 1
    assert {record.phase for record in recorder.records} == {"property: numbers"}
    assert recorder.notes == []


def test_a_property_whose_examples_go_unanswered_stops_after_its_request_budget() -> None:
    context = _context(_client(_hangs_on_arrays, FakeTime(), retries=0), only=frozenset({"C22"}))

    def each_of_its_own_shape(n: int) -> list[tuple[PlannedRequest, Intent]]:
        # A key of its own: no example is shaped like another (``conformance.run.silences``).
        return [(_post(json.dumps([{f"key{n}": n}]).encode()), INTENT)]

    run_property(
        context, "all silent", st.integers(min_value=0), each_of_its_own_shape, max_examples=5
    )
    limit = 5 + SHRINK_REQUESTS
    assert context.recorder.failed["C22"] == limit
    assert context.recorder.notes == [
        f"all silent: stopped after {limit} requests, {limit} of them unanswered"
    ]


def test_with_c22_relaxed_an_unanswered_request_is_a_note_not_a_failure() -> None:
    client = _client(_hangs_on_arrays, FakeTime(), retries=0)
    recorder = Recorder(
        context=CheckContext(relaxed=frozenset({"C22"})),
        redactor=Redactor.for_credentials(client.target.credentials),
        seed=1,
    )
    context = PhaseContext(client=client, recorder=recorder, progress=Progress(quiet=True), seed=1)
    with pytest.raises(Unanswered):
        _exchange(context, _post(ARRAY_BODY), phase="probe: array")
    assert recorder.records == []
    assert recorder.first_failure_at is None
    assert recorder.notes == [
        "probe: array: request got no answer (C22 is relaxed); reproduce: "
        f"curl -sS -X POST http://127.0.0.1:1{BULK_UPDATE_PATH} "
        "-H 'Content-Type: application/json' -H 'Authorization: Bearer [REDACTED]' "
        """--data-binary '[{"id": "INC-1"}]'"""
    ]
    [c22] = [result for result in recorder.clause_results() if result.clause == "C22"]
    assert (c22.status, c22.checked, c22.failures) == ("passed", 1, 0)
