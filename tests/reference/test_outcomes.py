"""Per-incident authorisation (C16-C20): who is accepted, who is forbidden and why."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.reference_requests import W1, W2, W3, auth_of, items, post_bulk

from conformance.reference import ReferenceState, create_app, in_process_client, reference_state
from conformance.sandbox import expected_outcomes, reserved_id

UNKNOWN = "cfct-00000000-0000-4000-8000-000000000000"
NOT_FOUND = "no incident with this id exists in a workspace visible to the caller"
NO_ROLE = "the caller has no role on the incident's workspace"
WRONG_WORKSPACE = "the incident does not belong to the workspace named in the request"


def forbidden(incident_id: str, workspace: str | None, reason: str) -> dict[str, Any]:
    return {"incidentId": incident_id, "workspaceId": workspace, "reason": reason}


@pytest.mark.parametrize(
    ("request_items", "accepted", "refused"),
    [
        pytest.param([{"id": "INC-1001"}], ["INC-1001"], [], id="writable-no-hint"),
        pytest.param(
            [{"id": "INC-2003", "workspace": W2}], ["INC-2003"], [], id="writable-own-workspace"
        ),
        pytest.param(
            [{"id": "INC-1001", "workspace": W2}],
            [],
            [forbidden("INC-1001", W2, WRONG_WORKSPACE)],
            id="writable-wrong-workspace",
        ),
        pytest.param(
            [{"id": "INC-1001", "workspace": W3}],
            [],
            [forbidden("INC-1001", W3, WRONG_WORKSPACE)],
            id="writable-named-with-foreign-workspace",
        ),
        pytest.param(
            [{"id": "INC-3002"}], [], [forbidden("INC-3002", W3, NO_ROLE)], id="foreign-no-hint"
        ),
        pytest.param(
            [{"id": "INC-3002", "workspace": W1}],
            [],
            [forbidden("INC-3002", W1, NO_ROLE)],
            id="foreign-named-with-writable-workspace",
        ),
        pytest.param([{"id": UNKNOWN}], [], [forbidden(UNKNOWN, None, NOT_FOUND)], id="unknown"),
        pytest.param(
            [{"id": UNKNOWN, "workspace": W1}],
            [],
            [forbidden(UNKNOWN, W1, NOT_FOUND)],
            id="unknown-with-hint",
        ),
        pytest.param([{"id": ""}], [], [forbidden("", None, NOT_FOUND)], id="empty-id"),
        pytest.param(
            [{"id": "INC-1001"}, {"id": "INC-1001", "status": "Closed"}],
            ["INC-1001"],
            [],
            id="duplicate-writable",
        ),
        pytest.param(
            [{"id": "INC-3001"}, {"id": "INC-3001"}],
            [],
            [forbidden("INC-3001", W3, NO_ROLE)],
            id="duplicate-foreign",
        ),
        pytest.param(
            [{"id": "INC-1002", "workspace": W2}, {"id": "INC-1002"}],
            [],
            [forbidden("INC-1002", W2, WRONG_WORKSPACE)],
            id="duplicate-first-occurrence-decides",
        ),
        pytest.param(
            [{"id": "INC-2001"}, {"id": "INC-3001"}, {"id": UNKNOWN}, {"id": "INC-1005"}],
            ["INC-2001", "INC-1005"],
            [forbidden("INC-3001", W3, NO_ROLE), forbidden(UNKNOWN, None, NOT_FOUND)],
            id="mixed-in-request-order",
        ),
    ],
)
def test_outcome_per_id(
    client: httpx.Client,
    writer: dict[str, str],
    request_items: list[dict[str, Any]],
    accepted: list[str],
    refused: list[dict[str, Any]],
) -> None:
    response = post_bulk(client, {"items": request_items}, headers=writer)
    assert response.status_code == 200
    assert response.json()["data"] == {"accepted": accepted, "forbidden": refused}


def test_sandbox_has_three_workspaces_of_five_over_several_sources(
    state: ReferenceState,
) -> None:
    sandbox = state.sandbox
    assert sandbox.workspaces == (W1, W2, W3)
    assert len(sandbox.writable) == 10
    assert len(sandbox.foreign) == 5
    assert {i.workspace for i in sandbox.foreign} == {W3}
    sources = {(state.store.snapshot(i.id) or {}).get("incidentSource") for i in sandbox.writable}
    assert len(sources) >= 3


# Ids the strategies may send: the sandbox's own, reserved ones, and workspace hints.
_IDS = st.sampled_from(
    ["INC-1001", "INC-1004", "INC-2002", "INC-2005", "INC-3001", "INC-3004", UNKNOWN]
)
_ITEM = st.fixed_dictionaries(
    {"id": _IDS}, optional={"workspace": st.sampled_from([None, W1, W2, W3, "elsewhere"])}
)


@settings(max_examples=60)
@given(request_items=st.lists(_ITEM, max_size=12))
def test_answers_partition_the_request_and_match_the_sandbox(
    request_items: list[dict[str, Any]],
) -> None:
    app = create_app()
    state = reference_state(app)
    with in_process_client(app) as client:
        response = post_bulk(
            client, {"items": request_items}, headers=auth_of(state.credentials.writer)
        )
    data = response.json()["data"]
    answered = data["accepted"] + [f["incidentId"] for f in data["forbidden"]]
    assert sorted(answered) == sorted({item["id"] for item in request_items})  # C16, C17
    expected = expected_outcomes(state.sandbox, request_items)
    for incident_id in data["accepted"]:
        assert expected[incident_id] in ("accepted", None)  # C20
    for entry in data["forbidden"]:
        assert expected[entry["incidentId"]] in ("forbidden", None)
        assert entry["reason"]  # C19
        hints = [i.get("workspace") for i in request_items if i["id"] == entry["incidentId"]]
        if hints[0] is not None:
            assert entry["workspaceId"] == hints[0]


def test_reserved_ids_are_forbidden(client: httpx.Client, writer: dict[str, str]) -> None:
    ids = [reserved_id() for _ in range(3)]
    data = post_bulk(client, items(*ids), headers=writer).json()["data"]
    assert data["accepted"] == []
    assert [f["incidentId"] for f in data["forbidden"]] == ids
