"""Asynchronous processing (C21) and the read-back routes that observe it."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest
from support.reference_requests import PROBLEM, W1, W2, W3, auth_of, items, post_bulk

from conformance.reference import (
    COMMENTS_PATH,
    READ_BACK_PATH,
    Credentials,
    ReferenceState,
    create_app,
    in_process_client,
    reference_state,
)
from conformance.reference.store import USERS, seed_store
from conformance.reference.worker import UpdateWorker

ADA = USERS[0]


def read_back(
    client: httpx.Client, headers: dict[str, str], incident_id: str, workspace: str, source: str
) -> httpx.Response:
    path = READ_BACK_PATH.format(workspaceId=workspace, source=source, incidentId=incident_id)
    return client.get(path, headers=headers)


def comments(
    client: httpx.Client, headers: dict[str, str], incident_id: str, workspace: str, source: str
) -> httpx.Response:
    path = COMMENTS_PATH.format(workspaceId=workspace, source=source, incidentId=incident_id)
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
                "user": {"id": ADA["id"]},
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
    # The directory's record, though the item sent the id alone.
    assert data["assignee"] == ADA
    listed = comments(client, writer, "INC-1002", W1, source)
    assert listed.status_code == 200
    assert [c["message"] for c in listed.json()["data"]] == ["contained"]
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
    assert [c["message"] for c in state.store.comments("INC-2001") or []] == ["one", "two"]


def test_remove_assignee_unassigns_and_nulls_leave_fields_unchanged(
    client: httpx.Client, writer: dict[str, str], state: ReferenceState
) -> None:
    post_bulk(client, items("INC-1003", user={"id": ADA["id"]}, status="Active"), headers=writer)
    assert state.worker.wait_idle(timeout=5)
    assert incident(state, "INC-1003")["assignee"] == ADA
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
            "observer", ("INC-3001", W3, "CrowdStrike"), (200, None), id="observer-foreign"
        ),
        pytest.param("observer", ("INC-1001", W1, "Sentinel"), (200, None), id="observer-own"),
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
    accounts = {
        "writer": credentials.writer,
        "no_scope": credentials.no_scope,
        "observer": credentials.observer,
    }
    headers = auth_of(accounts[account]) if account in accounts else {}
    for read in (read_back, comments):
        response = read(client, headers, *target)
        assert response.status_code == status, read.__name__
        if code is None:
            assert isinstance(response.json()["data"], dict if read is read_back else list)
        else:
            assert response.headers["content-type"] == PROBLEM
            assert response.json()["code"] == code


def test_updates_land_after_the_apply_delay_and_reads_meanwhile_show_the_old_state() -> None:
    app = create_app(apply_delay=0.5)
    state = reference_state(app)
    writer = auth_of(state.credentials.writer)
    with in_process_client(app) as client:
        sent = time.monotonic()
        post_bulk(client, items("INC-1004", status="Closed", comment="later"), headers=writer)
        early = read_back(client, writer, "INC-1004", W1, "Splunk").json()["data"]
        early_comments = comments(client, writer, "INC-1004", W1, "Splunk").json()["data"]
        waited = time.monotonic() - sent
        assert state.worker.wait_idle(timeout=5)
        # A lower bound only: the update may land later on a loaded machine, never earlier.
        assert time.monotonic() - sent >= 0.5
        late = read_back(client, writer, "INC-1004", W1, "Splunk").json()["data"]
    if waited < 0.5:  # the reads above were served within the delay
        assert (early["status"], early_comments) == ("New", [])
    assert late["status"] == "Closed"


def test_comments_are_listed_oldest_first_with_their_time() -> None:
    app = create_app(apply_delay=0)
    state = reference_state(app)
    writer = auth_of(state.credentials.writer)
    with in_process_client(app) as client:
        for message in ("first", "second", "  ", "third"):
            post_bulk(client, items("INC-2002", comment=message), headers=writer)
            assert state.worker.wait_idle(timeout=5)
        listed = comments(client, writer, "INC-2002", W2, "Sentinel")
    assert listed.status_code == 200, listed.text
    assert set(listed.json()["meta"]) == {"requestId", "timestamp"}
    data = listed.json()["data"]
    assert [c["message"] for c in data] == ["first", "second", "third"]
    assert [set(c) for c in data] == [{"message", "createdAt"}] * 3
    assert [c["createdAt"] for c in data] == sorted(c["createdAt"] for c in data)


@pytest.mark.parametrize(
    "user",
    [
        pytest.param({"id": "u-9999", "email": ADA["email"]}, id="unknown-id"),
        pytest.param({"email": ADA["email"], "displayName": "Ada"}, id="without-id"),
        pytest.param({"id": None}, id="null-id"),
    ],
)
def test_a_user_not_sent_with_a_directory_id_is_ignored(
    client: httpx.Client, writer: dict[str, str], state: ReferenceState, user: dict[str, Any]
) -> None:
    post_bulk(client, items("INC-1005", user={"id": USERS[1]["id"]}), headers=writer)
    post_bulk(client, items("INC-1005", user=user, status="Active"), headers=writer)
    assert state.worker.wait_idle(timeout=5)
    assert incident(state, "INC-1005")["assignee"] == USERS[1]
    assert incident(state, "INC-1005")["status"] == "Active"
    assert state.worker.failures == []


def test_the_observer_may_not_write(client: httpx.Client, credentials: Credentials) -> None:
    response = post_bulk(client, items("INC-3001"), headers=auth_of(credentials.observer))
    assert (response.status_code, response.json()["code"]) == (403, "INSUFFICIENT_SCOPE")


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


def test_wait_idle_reports_updates_still_waiting_out_their_delay() -> None:
    worker = UpdateWorker(seed_store(), apply_delay=0.5)
    worker.submit([{"id": "INC-1001", "status": "Closed"}])
    assert not worker.wait_idle(timeout=0.05)
    assert worker.wait_idle(timeout=5)
    assert worker.applied == 1


@pytest.mark.parametrize("delay", [-0.1, float("nan"), float("inf")], ids=str)
def test_an_apply_delay_that_is_not_a_finite_non_negative_number_is_refused(delay: float) -> None:
    with pytest.raises(ValueError, match="apply delay must be a finite number of seconds"):
        create_app(apply_delay=delay)


def test_pending_updates_as_a_stack_let_a_later_request_overtake_an_earlier_one() -> None:
    for order, expected in (("queue", "Closed"), ("stack", "Active")):
        store = seed_store()
        worker = UpdateWorker(store, apply_delay=0.3, pending=order)  # type: ignore[arg-type]
        worker.submit([{"id": "INC-1001", "status": "Active"}, {"id": "INC-1002"}])
        worker.submit([{"id": "INC-1001", "status": "Closed"}])
        assert worker.wait_idle(timeout=5)
        snapshot = store.snapshot("INC-1001")
        assert snapshot is not None
        assert snapshot["status"] == expected, order
