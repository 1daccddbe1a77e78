"""Asynchronous processing (C21) and the read-back route that observes it."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest
from support.reference_requests import PROBLEM, W1, W2, W3, auth_of, items, post_bulk

from conformance.reference import READ_BACK_PATH, Credentials, ReferenceState
from conformance.reference.store import seed_store
from conformance.reference.worker import UpdateWorker


def read_back(
    client: httpx.Client, headers: dict[str, str], incident_id: str, workspace: str, source: str
) -> httpx.Response:
    path = READ_BACK_PATH.format(workspaceId=workspace, source=source, incidentId=incident_id)
    return client.get(path, headers=headers)


def incident(state: ReferenceState, incident_id: str) -> dict[str, Any]:
    snapshot = state.store.snapshot(incident_id)
    assert snapshot is not None
    return snapshot


def test_accepted_updates_are_applied_after_the_answer(
    client: httpx.Client, writer: dict[str, str], state: ReferenceState
) -> None:
    body = {
        "items": [
            {
                "id": "INC-1002",
                "status": "Closed",
                "classification": "TruePositive",
                "classificationReason": "Malware",
                "user": {"id": "u-7", "displayName": "Ada", "email": "ada@example.test"},
                "comment": "contained",
            },
            {"id": "INC-3002", "status": "Closed"},
        ]
    }
    assert post_bulk(client, body, headers=writer).json()["data"]["accepted"] == ["INC-1002"]
    assert state.worker.wait_idle(timeout=5)
    source = incident(state, "INC-1002")["incidentSource"]
    response = read_back(client, writer, "INC-1002", W1, source)
    assert response.status_code == 200
    assert set(response.json()["meta"]) == {"requestId", "timestamp"}
    data = response.json()["data"]
    assert (data["status"], data["classification"], data["classificationReason"]) == (
        "Closed",
        "TruePositive",
        "Malware",
    )
    assert data["assignee"] == {"id": "u-7", "displayName": "Ada", "email": "ada@example.test"}
    assert [c["text"] for c in data["comments"]] == ["contained"]
    assert incident(state, "INC-3002")["status"] == "New"  # forbidden: never written
    assert state.worker.failures == []


def test_duplicates_are_applied_in_request_order(
    client: httpx.Client, writer: dict[str, str], state: ReferenceState
) -> None:
    body = {
        "items": [
            {"id": "INC-2001", "status": "Active", "comment": "one"},
            {"id": "INC-2001", "status": "Closed", "comment": "two"},
            {"id": "INC-2001", "status": "New", "workspace": W1},  # wrong hint: not applied
        ]
    }
    post_bulk(client, body, headers=writer)
    assert state.worker.wait_idle(timeout=5)
    snapshot = incident(state, "INC-2001")
    assert snapshot["status"] == "Closed"
    assert [c["text"] for c in snapshot["comments"]] == ["one", "two"]


def test_remove_assignee_unassigns_and_nulls_leave_fields_unchanged(
    client: httpx.Client, writer: dict[str, str], state: ReferenceState
) -> None:
    post_bulk(client, items("INC-1003", user={"id": "u-1"}, status="Active"), headers=writer)
    assert state.worker.wait_idle(timeout=5)
    assert incident(state, "INC-1003")["assignee"] == {
        "id": "u-1",
        "displayName": None,
        "email": None,
    }
    post_bulk(client, items("INC-1003", removeAssignee=True, status=None), headers=writer)
    assert state.worker.wait_idle(timeout=5)
    assert incident(state, "INC-1003")["assignee"] is None
    assert incident(state, "INC-1003")["status"] == "Active"


@pytest.mark.parametrize(
    ("account", "target", "expected"),
    [
        pytest.param("writer", ("INC-1001", W1, "Sentinel"), (200, None), id="readable"),
        pytest.param("no_scope", ("INC-1001", W1, "Sentinel"), (200, None), id="read-scope"),
        pytest.param(
            "writer",
            ("INC-3001", W3, "Sentinel"),
            (403, "INSUFFICIENT_WORKSPACE_ROLE"),
            id="foreign",
        ),
        pytest.param(
            "writer", ("INC-1001", W2, "Sentinel"), (404, "NOT_FOUND"), id="wrong-workspace"
        ),
        pytest.param("writer", ("INC-1001", W1, "QRadar"), (404, "NOT_FOUND"), id="wrong-source"),
        pytest.param("writer", ("INC-9999", W1, "Sentinel"), (404, "NOT_FOUND"), id="unknown"),
        pytest.param("none", ("INC-1001", W1, "Sentinel"), (401, "UNAUTHORIZED"), id="anonymous"),
    ],
)
def test_read_back_route(
    client: httpx.Client,
    credentials: Credentials,
    account: str,
    target: tuple[str, str, str],
    expected: tuple[int, str | None],
) -> None:
    status, code = expected
    accounts = {"writer": credentials.writer, "no_scope": credentials.no_scope}
    headers = auth_of(accounts[account]) if account in accounts else {}
    response = read_back(client, headers, *target)
    assert response.status_code == status
    if code is None:
        assert response.json()["data"]["id"] == target[0]
    else:
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == code


def test_worker_thread_exists_only_while_there_is_work() -> None:
    worker = UpdateWorker(seed_store())
    worker.submit([{"id": "INC-1001", "status": "Closed"}] * 50)
    assert worker.wait_idle(timeout=5)
    assert worker.applied == 50
    deadline = time.monotonic() + 5
    while _worker_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _worker_threads() == []


def _worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "reference-worker"]


def test_a_failing_update_is_recorded_and_does_not_stall_the_queue() -> None:
    worker = UpdateWorker(seed_store())
    worker.submit([{"id": "INC-0000"}, {"id": "INC-1001", "status": "Closed"}])
    assert worker.wait_idle(timeout=5)
    assert worker.failures == ["KeyError: 'INC-0000'"]
    assert worker.applied == 2


def test_wait_idle_on_an_idle_worker_returns_at_once() -> None:
    assert UpdateWorker(seed_store()).wait_idle(timeout=0)
