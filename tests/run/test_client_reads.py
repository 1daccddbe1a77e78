"""The client sends a GET only where the read rule allows, and never counts it as a write."""

from __future__ import annotations

import httpx
import pytest
from support.fake_time import FakeTime
from support.readback_api import ENVIRON, ReadbackApi, target_table

from conformance.run.client import PlannedRequest, TargetClient
from conformance.run.target import parse_target
from conformance.sandbox import UnsafeReadError

READ = "/api/v2/workspaces/ws-home/incidents/Sentinel/INC-1"


def _client(api: ReadbackApi, *, max_write_requests: int | None = None) -> TargetClient:
    target = parse_target(target_table(), source="t.toml", environ=ENVIRON)
    fake = FakeTime()
    return TargetClient(
        target,
        max_write_requests=max_write_requests,
        transport=api.transport(),
        sleep=fake.sleep,
        clock=fake.clock,
    )


def test_a_read_of_a_sandbox_incident_is_sent_and_spends_no_write_budget() -> None:
    api = ReadbackApi()
    with _client(api, max_write_requests=1) as client:
        for _ in range(3):
            assert client.send(PlannedRequest("GET", READ)).status_code == 401
        assert client.stats.writes == 0
        assert client.writes_left == 1
        assert client.stats.requests == 3
    assert not PlannedRequest("GET", READ).is_write


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v2/workspaces/ws-home/incidents/Sentinel/INC-77", id="outside-sandbox"),
        pytest.param("/api/v2/incidents/across-workspaces", id="another-path"),
        pytest.param(READ + "?x=1", id="query"),
    ],
)
def test_a_get_outside_the_read_rule_is_never_sent(path: str) -> None:
    api = ReadbackApi()
    with _client(api) as client, pytest.raises(UnsafeReadError):
        client.send(PlannedRequest("GET", path))
    assert api.requests == []


def test_a_get_to_the_operation_itself_reads_nothing_and_is_sent() -> None:
    api = ReadbackApi()
    with _client(api) as client:
        client.send(PlannedRequest("GET", "/api/v2/incidents/across-workspaces/bulk-update"))
    assert len(api.requests) == 1


def test_other_methods_are_left_to_the_write_rule() -> None:
    api = ReadbackApi()
    with _client(api) as client:
        response = client.send(PlannedRequest("HEAD", READ))
    assert isinstance(response, httpx.Response)
    assert len(api.requests) == 1
