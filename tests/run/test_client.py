import contextlib
import json
import threading
from collections.abc import Callable

import httpx
import pytest
from support.fake_time import FakeTime
from support.threads import start_together

from conformance.run.client import (
    NoAnswer,
    OutOfTime,
    PlannedRequest,
    StillThrottled,
    TargetClient,
    TargetUnreachable,
    WriteBudgetExceeded,
    retry_after_seconds,
)
from conformance.run.credentials import Credential
from conformance.run.deadline import Deadline
from conformance.run.target import Limits, Target
from conformance.sandbox import Incident, Sandbox, UnsafeWriteError

PATH = "/api/v2/incidents/across-workspaces/bulk-update"


def _client(
    handler: Callable[[httpx.Request], httpx.Response],
    fake: FakeTime,
    *,
    max_write_requests: int | None = None,
    sleep: Callable[[float], None] | None = None,
    deadline: Deadline | None = None,
    **limits: float,
) -> TargetClient:
    target = Target(
        name="t",
        base_url="http://127.0.0.1:1",
        writer=Credential("basic", "id", "secret"),
        sandbox=Sandbox(writable=(Incident("INC-1", "w"),)),
        limits=Limits(**limits),  # type: ignore[arg-type]
    )
    return TargetClient(
        target,
        max_write_requests=max_write_requests,
        transport=httpx.MockTransport(handler),
        sleep=sleep or fake.sleep,
        clock=fake.clock,
        deadline=deadline,
    )


def _post(ids: list[str]) -> PlannedRequest:
    body = json.dumps({"items": [{"id": i} for i in ids]}).encode()
    return PlannedRequest("POST", PATH, {"Content-Type": "application/json"}, body)


def test_rate_limit_spaces_requests() -> None:
    fake = FakeTime()
    client = _client(lambda r: httpx.Response(200), fake, requests_per_second=4)
    for _ in range(3):
        client.send(_post(["INC-1"]))
    assert fake.slept == [0.25, 0.25]
    assert client.stats.requests == 3


def test_429_is_waited_for_and_retried() -> None:
    fake = FakeTime()
    answers = iter([httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200)])
    client = _client(lambda r: next(answers), fake)
    assert client.send(_post(["INC-1"])).status_code == 200
    assert fake.slept == [2.0]
    assert client.stats.retried_429 == 1
    assert client.stats.requests == 2


def test_429_retries_are_bounded() -> None:
    fake = FakeTime()
    client = _client(lambda r: httpx.Response(429, headers={"Retry-After": "0"}), fake)
    with pytest.raises(StillThrottled, match="still 429 after 3 retries"):
        client.send(_post([]))
    assert client.stats.retried_429 == 3
    assert client.stats.given_up_429 == 1


def test_network_errors_are_retried_with_backoff_then_unreachable() -> None:
    fake = FakeTime()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused")

    client = _client(refuse, fake, retries=2)
    with pytest.raises(TargetUnreachable, match=r"127\.0\.0\.1 is unreachable \(ConnectError"):
        client.send(_post([]))
    assert fake.slept == [0.5, 1.0]
    assert client.stats.retried_network == 2


def _raising(error: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("no answer", request=request)

    return handler


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout, httpx.WriteTimeout], ids=["read-timeout", "write-timeout"]
)
def test_a_request_left_unanswered_while_the_target_answers_is_not_retried(
    error: type[httpx.TransportError],
) -> None:
    fake, confirmed = FakeTime(), []
    client = _client(_raising(error), fake, retries=2)
    with pytest.raises(NoAnswer) as excinfo:
        client.send(_post([]), confirm=lambda: confirmed.append(True))
    assert (excinfo.value.attempts, excinfo.value.confirmed) == (1, True)
    assert confirmed == [True]
    assert (client.stats.requests, client.stats.retried_network, fake.slept) == (1, 0, [])


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.RemoteProtocolError],
    ids=["refused", "connect-timeout", "reset", "closed-without-answer"],
)
def test_a_target_that_may_be_down_is_retried_without_asking(
    error: type[httpx.TransportError],
) -> None:
    fake, confirmed = FakeTime(), []
    client = _client(_raising(error), fake, retries=2)
    with pytest.raises(NoAnswer) as excinfo:
        client.send(_post([]), confirm=lambda: confirmed.append(True))
    assert (excinfo.value.attempts, excinfo.value.confirmed) == (3, False)
    assert (confirmed, client.stats.retried_network) == ([], 2)


def test_a_timeout_is_retried_when_the_target_is_not_asked() -> None:
    """The liveness check itself: its timeouts mean a target that may be down."""
    client = _client(_raising(httpx.ReadTimeout), FakeTime(), retries=2)
    with pytest.raises(NoAnswer) as excinfo:
        client.send(_post([]))
    assert (excinfo.value.attempts, excinfo.value.confirmed) == (3, False)


def test_a_target_found_gone_after_a_timeout_ends_the_send() -> None:
    def gone() -> None:
        raise TargetUnreachable("gone")

    client = _client(_raising(httpx.ReadTimeout), FakeTime(), retries=2)
    with pytest.raises(TargetUnreachable, match="gone") as excinfo:
        client.send(_post([]), confirm=gone)
    assert not isinstance(excinfo.value, NoAnswer)
    assert client.stats.requests == 1


# -- the run's deadline ------------------------------------------------------------------------


def test_nothing_is_sent_past_the_deadline() -> None:
    fake, sent = FakeTime(), []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    deadline = Deadline(5.0, clock=fake.clock)
    client = _client(handler, fake, deadline=deadline)
    client.send(_post([]))
    fake.sleep(5.0)
    with pytest.raises(OutOfTime, match="time budget of 5 s is spent"):
        client.send(_post([]))
    assert (len(sent), client.stats.writes, deadline.ran_out) == (1, 1, True)


def test_a_request_waits_no_longer_than_the_time_left() -> None:
    fake, timeouts = FakeTime(), []

    def handler(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"]["read"])
        return httpx.Response(200)

    client = _client(handler, fake, deadline=Deadline(12.0, clock=fake.clock), timeout_seconds=5)
    client.send(_post([]))
    fake.sleep(9.0)
    client.send(_post([]))
    assert timeouts == [5.0, 3.0]


def test_a_request_cut_by_the_deadline_is_out_of_time_not_unanswered() -> None:
    fake, confirmed = FakeTime(), []

    def handler(request: httpx.Request) -> httpx.Response:
        fake.sleep(request.extensions["timeout"]["read"])
        raise httpx.ReadTimeout("timed out", request=request)

    client = _client(handler, fake, deadline=Deadline(2.0, clock=fake.clock), timeout_seconds=5)
    with pytest.raises(OutOfTime):
        client.send(_post([]), confirm=lambda: confirmed.append(True))
    assert confirmed == []


def test_a_retry_after_beyond_the_deadline_is_not_waited_for() -> None:
    fake = FakeTime()
    client = _client(
        lambda request: httpx.Response(429, headers={"Retry-After": "30"}),
        fake,
        deadline=Deadline(10.0, clock=fake.clock),
    )
    with pytest.raises(OutOfTime):
        client.send(_post([]))
    assert fake.slept == []


def test_a_5xx_is_never_retried() -> None:
    fake = FakeTime()
    calls: list[int] = []

    def fail(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503)

    assert _client(fail, fake).send(_post([])).status_code == 503
    assert len(calls) == 1


def test_write_budget() -> None:
    fake = FakeTime()
    target_client = _client(lambda r: httpx.Response(200), fake, max_write_requests=2)
    target_client.send(_post([]))
    target_client.send(_post([]))
    assert target_client.writes_left == 0
    with pytest.raises(WriteBudgetExceeded, match="write budget of 2 requests used up"):
        target_client.send(_post([]))


def test_write_discipline_is_enforced_where_requests_are_sent() -> None:
    fake = FakeTime()
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    with pytest.raises(UnsafeWriteError):
        _client(record, fake).send(_post(["INC-1", "PROD-INCIDENT-7"]))
    assert sent == []


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        pytest.param("3", 3.0, id="delta-seconds"),
        pytest.param("600", 60.0, id="capped"),
        pytest.param("Wed, 21 Oct 2015 07:28:05 GMT", 5.0, id="http-date"),
        pytest.param("Wed, 21 Oct 2015 07:27:00 GMT", 0.0, id="http-date-in-the-past"),
        pytest.param(None, 1.0, id="absent"),
        pytest.param("soon", 1.0, id="garbage"),
    ],
)
def test_retry_after_seconds(value: str | None, seconds: float) -> None:
    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert retry_after_seconds(value, now) == seconds


# -- several requests in flight ----------------------------------------------------------------


def _from_threads(client: TargetClient, threads: int, each: int) -> list[BaseException]:
    """``each`` sends from each of ``threads`` threads at once; what they raised."""
    errors: list[BaseException] = []

    def send_all() -> None:
        for _ in range(each):
            try:
                client.send(_post(["INC-1"]))
            except Exception as exc:
                errors.append(exc)

    start_together(threads, send_all)
    return errors


def test_every_thread_takes_its_slot_from_the_one_pacer() -> None:
    # Eight threads, one rate: 200 requests at 8 per second take 199 slots of 1/8 s.
    fake = FakeTime()
    client = _client(lambda r: httpx.Response(200), fake, requests_per_second=8, concurrency=8)
    assert _from_threads(client, threads=8, each=25) == []
    assert client.stats.requests == 200
    assert sum(fake.slept) == pytest.approx(199 / 8)


def test_no_more_requests_than_the_concurrency_are_in_flight() -> None:
    inside, most, arrived = 0, 0, 0
    lock = threading.Lock()
    # The first three requests wait here for each other: only if three can be in flight at
    # once do they all arrive (else the barrier times out and breaks).
    first_three = threading.Barrier(3, timeout=10)

    def hold(request: httpx.Request) -> httpx.Response:
        nonlocal inside, most, arrived
        with lock:
            inside += 1
            arrived += 1
            most = max(most, inside)
            number = arrived
        try:
            if number <= 3:
                with contextlib.suppress(threading.BrokenBarrierError):
                    first_three.wait()
            return httpx.Response(200)
        finally:
            with lock:
                inside -= 1

    client = _client(hold, FakeTime(), concurrency=3)
    assert _from_threads(client, threads=6, each=5) == []
    assert not first_three.broken
    assert most == 3


def test_a_429_holds_back_every_request_of_the_run() -> None:
    fake = FakeTime()
    during_pause: list[httpx.Request] = []
    paused = threading.Event()
    others: list[threading.Thread] = []
    answers = iter([httpx.Response(429, headers={"Retry-After": "5"})])

    def answer(request: httpx.Request) -> httpx.Response:
        if paused.is_set():
            during_pause.append(request)
        return next(answers, httpx.Response(200))

    def sleep(seconds: float) -> None:
        # While the client waits out the Retry-After, seven more threads try to send; none
        # may send before the wait is over.
        paused.set()
        for _ in range(7):
            others.append(threading.Thread(target=lambda: client.send(_post(["INC-1"]))))
            others[-1].start()
        threading.Event().wait(0.2)
        paused.clear()
        fake.sleep(seconds)

    client = _client(answer, fake, sleep=sleep, concurrency=8)
    assert client.send(_post(["INC-1"])).status_code == 200
    for other in others:
        other.join()
    assert during_pause == []
    # One wait for the whole run: the others found the pause over when their turn came.
    assert fake.slept == [5.0]
    assert (client.stats.requests, client.stats.retried_429) == (1 + 1 + 7, 1)


def test_the_write_budget_is_exact_under_concurrency() -> None:
    target_client = _client(
        lambda r: httpx.Response(200), FakeTime(), max_write_requests=50, concurrency=8
    )
    errors = _from_threads(target_client, threads=8, each=10)
    assert target_client.stats.writes == target_client.stats.requests == 50
    assert len(errors) == 30
    assert all(isinstance(error, WriteBudgetExceeded) for error in errors)
