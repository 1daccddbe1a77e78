"""``ReferenceServer`` on a real 127.0.0.1 socket: fast start, clean stop, fresh credentials."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from support.reference_requests import auth_of, items

from conformance.openapi import BULK_UPDATE_PATH
from conformance.reference import ReferenceServer, reference_state
from conformance.reference.store import USERS

pytestmark = pytest.mark.socket


def test_serves_on_a_free_loopback_port_and_stops() -> None:
    started = time.monotonic()
    with ReferenceServer() as server:
        startup = time.monotonic() - started
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.port > 0
        with httpx.Client(base_url=server.base_url) as client:
            ok = client.post(
                BULK_UPDATE_PATH, json=items("INC-1001"), headers=auth_of(server.credentials.writer)
            )
            anonymous = client.post(BULK_UPDATE_PATH, json={"items": []})
            scopeless = client.post(
                BULK_UPDATE_PATH, json={"items": []}, headers=auth_of(server.credentials.no_scope)
            )
        assert ok.json()["data"]["accepted"] == ["INC-1001"]
        assert (anonymous.status_code, scopeless.status_code) == (401, 403)
        assert server.wait_idle(timeout=5)
        port = server.port
    stopping = time.monotonic()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
    assert startup < 1.0
    assert time.monotonic() - stopping < 1.0
    assert not [t for t in threading.enumerate() if t.name == "reference-api"]


def test_each_start_has_fresh_credentials_and_the_same_sandbox() -> None:
    server = ReferenceServer()
    with server:
        first, first_sandbox = server.credentials, server.sandbox
    with server:
        second, second_sandbox = server.credentials, server.sandbox
    assert first.writer.secret != second.writer.secret
    assert first_sandbox == second_sandbox
    assert len(first_sandbox.writable) == 10
    assert len(first_sandbox.foreign) == 5


def test_users_and_the_apply_delay_reach_the_served_app() -> None:
    with ReferenceServer(apply_delay=0.05) as server:
        assert server.users == USERS
        assert server.users is not USERS  # a copy: a caller cannot change the directory
        assert reference_state(server.app).worker.apply_delay == 0.05


def test_a_negative_apply_delay_is_refused_before_start() -> None:
    with pytest.raises(ValueError, match="apply delay"):
        ReferenceServer(apply_delay=-1)


def test_faults_apply_to_the_served_app() -> None:
    with (
        ReferenceServer(faults=["problem-as-json"]) as server,
        httpx.Client(base_url=server.base_url) as client,
    ):
        response = client.post(BULK_UPDATE_PATH, json={})
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("host", ["0.0.0.0", "example.com", "192.168.1.10", "::"])
def test_refuses_non_loopback_hosts(host: str) -> None:
    with pytest.raises(ValueError, match="the reference API listens on loopback only"):
        ReferenceServer(host=host)


def test_localhost_binds_ipv4_loopback() -> None:
    assert ReferenceServer(host="localhost").host == "127.0.0.1"


def test_a_taken_port_raises_and_leaves_nothing_running() -> None:
    with ReferenceServer() as server, pytest.raises(OSError, match="in use"):
        ReferenceServer(port=server.port).start()


def test_credentials_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="has not been started"):
        _ = ReferenceServer().credentials


def test_starting_twice_is_an_error() -> None:
    with ReferenceServer() as server, pytest.raises(RuntimeError, match="already running"):
        server.start()
