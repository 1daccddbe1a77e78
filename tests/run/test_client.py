import json
from collections.abc import Callable

import httpx
import pytest
from support.fake_time import FakeTime

from conformance.run.client import (
    PlannedRequest,
    StillThrottled,
    TargetClient,
    TargetUnreachable,
    WriteBudgetExceeded,
    retry_after_seconds,
)
from conformance.run.credentials import Credential
from conformance.run.target import Limits, Target
from conformance.sandbox import Incident, Sandbox, UnsafeWriteError

PATH = "/api/v2/incidents/across-workspaces/bulk-update"


def _client(
    handler: Callable[[httpx.Request], httpx.Response], fake: FakeTime, **limits: float
) -> TargetClient:
    target = Target(
        name="t",
        base_url="http://127.0.0.1:1",
        writer=Credential("basic", "id", "secret"),
        sandbox=Sandbox(writable=(Incident("INC-1", "w"),)),
        limits=Limits(**limits),  # type: ignore[arg-type]
    )
    return TargetClient(
        target, transport=httpx.MockTransport(handler), sleep=fake.sleep, clock=fake.clock
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
    target_client = _client(lambda r: httpx.Response(200), fake)
    target_client._max_writes = 2
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
