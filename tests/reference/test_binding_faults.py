"""The lenient-binding and id-crash faults in detail: what they let through, and what not.

``test_faults.py`` shows each fault once; here every enum field, the edges of each input
shape, and the conforming app's answer to the same request.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from support.reference_requests import auth_of, items, post_bulk

from conformance.reference import create_app, in_process_client, reference_state

# (field, value, the member a lenient binder makes of it): members are counted from 0 in the
# spec's order, null left out.
INDEXED_MEMBERS = [
    pytest.param("status", 2, "Closed", id="status"),
    pytest.param("classification", 2, "TruePositive", id="classification"),
    pytest.param("classificationReason", 6, "Malware", id="classificationReason"),
    pytest.param("incidentSource", 3, "Splunk", id="incidentSource"),
]


def send(app: Starlette, body: Any = None, *, content: bytes | None = None) -> httpx.Response:
    headers = {**auth_of(reference_state(app).credentials.writer)}
    if content is not None:
        headers["Content-Type"] = "application/json"
    with in_process_client(app) as client:
        return post_bulk(client, body, headers=headers, content=content)


def stored(app: Starlette, incident_id: str) -> dict[str, Any]:
    state = reference_state(app)
    assert state.worker.wait_idle(timeout=5)
    snapshot = state.store.snapshot(incident_id)
    assert snapshot is not None
    return snapshot


def assert_rejected(response: httpx.Response, code: str) -> None:
    assert response.status_code == 400
    assert response.json()["code"] == code


# --- enums bound from an index ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "as_index"),
    [
        pytest.param("enum-from-integer", lambda n: n, id="integer"),
        pytest.param("enum-from-numeric-string", str, id="numeric-string"),
    ],
)
@pytest.mark.parametrize(("field", "index", "member"), INDEXED_MEMBERS)
def test_an_index_binds_the_member_in_every_enum_field(
    fault: str, as_index: Any, field: str, index: int, member: str
) -> None:
    body = items("INC-1001", **{field: as_index(index)})
    conforming = send(create_app(), body)
    assert_rejected(conforming, "VALIDATION_ERROR")
    assert list(conforming.json()["errors"]) == [f"items[0].{field}"]

    faulty = create_app(faults=[fault])
    response = send(faulty, body)
    assert response.status_code == 200
    assert response.json()["data"] == {"accepted": ["INC-1001"], "forbidden": []}
    if field != "incidentSource":  # the store keeps no source: it is not updatable
        assert stored(faulty, "INC-1001")[field] == member


@pytest.mark.parametrize(
    ("fault", "value"),
    [
        pytest.param("enum-from-integer", 3, id="integer-past-the-last-member"),
        pytest.param("enum-from-integer", -1, id="negative-integer"),
        pytest.param("enum-from-integer", True, id="boolean-is-not-an-integer"),
        pytest.param("enum-from-integer", 2.0, id="float"),
        pytest.param("enum-from-integer", "2", id="numeric-string-is-the-other-fault"),
        pytest.param("enum-from-numeric-string", "3", id="numeric-string-past-the-last"),
        pytest.param("enum-from-numeric-string", "-1", id="signed-string"),
        pytest.param("enum-from-numeric-string", " 2", id="padded-string"),
        pytest.param("enum-from-numeric-string", "\u0662", id="non-ascii-digit"),
        pytest.param("enum-from-numeric-string", 2, id="integer-is-the-other-fault"),
    ],
)
def test_values_that_are_no_index_in_range_are_still_rejected(fault: str, value: Any) -> None:
    response = send(create_app(faults=[fault]), items("INC-1001", status=value))
    assert_rejected(response, "VALIDATION_ERROR")
    assert list(response.json()["errors"]) == ["items[0].status"]


def test_enum_faults_leave_member_names_and_null_alone() -> None:
    app = create_app(faults=["enum-from-integer", "enum-from-numeric-string"])
    body = items("INC-1001", status="Active", classification=None, incidentSource="QRadar")
    assert send(app, body).json()["data"]["accepted"] == ["INC-1001"]
    assert stored(app, "INC-1001")["status"] == "Active"


# --- trailing commas ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "strict"),
    [
        pytest.param(b'{"items": [],}', {"items": []}, id="after-the-last-member"),
        pytest.param(b'{"items": ["INC-1001",]}', None, id="after-the-last-element"),
        pytest.param(
            b'{"items": [{"id": "INC-1001"} , \n],}',
            {"items": [{"id": "INC-1001"}]},
            id="with-whitespace-before-the-bracket",
        ),
        pytest.param(
            b'{"items": [{"id": "cfct-a,}", "comment": "x,]",},]}',
            {"items": [{"id": "cfct-a,}", "comment": "x,]"}]},
            id="bracket-commas-inside-strings-kept",
        ),
        pytest.param(
            b'{"items": [{"id": "cfct-q\\\\", "comment": "\\",}",},]}',
            {"items": [{"id": "cfct-q\\", "comment": '",}'}]},
            id="escaped-quotes-and-backslashes",
        ),
    ],
)
def test_a_trailing_comma_body_is_processed_like_the_strict_one(
    content: bytes, strict: Any
) -> None:
    assert_rejected(send(create_app(), content=content), "BAD_REQUEST")
    lenient = send(create_app(faults=["trailing-commas-accepted"]), content=content)
    if strict is None:  # a schema violation once parsed: the lenient reader reaches validation
        assert_rejected(lenient, "VALIDATION_ERROR")
        return
    expected = send(create_app(), strict)
    assert lenient.status_code == expected.status_code == 200
    assert lenient.json()["data"] == expected.json()["data"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"items": [,]}', id="comma-without-a-value"),
        pytest.param(b'{"items": [],,}', id="two-commas"),
        pytest.param(b"{'items': []}", id="single-quotes"),
        pytest.param(b'{"items": [] /* comment */}', id="comment"),
        pytest.param(b'{"items": [],', id="truncated"),
    ],
)
def test_other_non_json_is_still_a_bad_request(content: bytes) -> None:
    response = send(create_app(faults=["trailing-commas-accepted"]), content=content)
    assert_rejected(response, "BAD_REQUEST")


def test_trailing_commas_still_need_credentials() -> None:
    app = create_app(faults=["trailing-commas-accepted"])
    with in_process_client(app) as client:
        response = post_bulk(
            client, content=b'{"items": [],}', headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 401


# --- ids that crash the handler -------------------------------------------------------------

LONGEST_ID = "cfct-" + "x" * 59


@pytest.mark.parametrize(
    ("fault", "incident_id", "status"),
    [
        pytest.param("500-on-overlong-id", LONGEST_ID, 200, id="overlong-64-is-fine"),
        pytest.param("500-on-overlong-id", LONGEST_ID + "x", 500, id="overlong-65-crashes"),
        pytest.param("500-on-overlong-id", "cfct-" + "x" * 4091, 500, id="overlong-4KiB"),
        pytest.param(
            "500-on-overlong-id", "cfct-" + "\u00e9" * 59, 200, id="overlong-counts-chars"
        ),
        pytest.param("500-on-non-ascii-id", "cfct-caf\u00e9", 500, id="non-ascii-latin"),
        pytest.param("500-on-non-ascii-id", "cfct-\u6f22\u5b57", 500, id="non-ascii-cjk"),
        pytest.param("500-on-non-ascii-id", "cfct-\U0001f600", 500, id="non-ascii-astral"),
        pytest.param("500-on-non-ascii-id", "cfct-plain~ascii", 200, id="ascii-is-fine"),
    ],
)
def test_id_faults_crash_on_their_ids_only(fault: str, incident_id: str, status: int) -> None:
    assert len(LONGEST_ID) == 64
    body = {"items": [{"id": "INC-1001"}, {"id": incident_id}]}
    conforming = send(create_app(), body)
    assert conforming.status_code == 200
    assert [f["incidentId"] for f in conforming.json()["data"]["forbidden"]] == [incident_id]
    response = send(create_app(faults=[fault]), body)
    assert response.status_code == status
    if status == 500:
        assert response.json()["code"] == "INTERNAL_ERROR"


@pytest.mark.parametrize("fault", ["500-on-overlong-id", "500-on-non-ascii-id"])
def test_id_faults_crash_only_past_authentication_and_validation(fault: str) -> None:
    app = create_app(faults=[fault])
    bad_id = "cfct-" + "\u00e9" * 70
    with in_process_client(app) as client:
        anonymous = post_bulk(client, items(bad_id))
    invalid = send(app, items(bad_id, status="Bogus"))
    assert anonymous.status_code == 401
    assert_rejected(invalid, "VALIDATION_ERROR")
