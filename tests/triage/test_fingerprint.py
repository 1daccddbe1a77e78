"""The fingerprint recipe: what goes in, what stays out, and its pinned output."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from support.exchange_builders import FakeResponse, bulk, item, problem, request

from conformance.checks import NO_BODY, ConformanceFailure, NotJson, RequestBody
from conformance.triage import (
    Identity,
    identify,
    identify_failure,
    input_kind,
    normalise_kind,
    normalise_path,
)


def _failure(**changes: str) -> ConformanceFailure:
    fields = {
        "clause": "C19",
        "check": "forbidden_entry_conformance",
        "title": "Forbidden entry names a different workspace",
        "received": '"6eca6a1f-0000-4000-8000-000000000001"',
        "expected": '"6eca6a1f-0000-4000-8000-000000000002"',
        "path": "$.data.forbidden[3].workspaceId",
    }
    return ConformanceFailure(**{**fields, **changes})


def _server_error() -> ConformanceFailure:
    return ConformanceFailure(
        clause="C15",
        check="no_server_error_conformance",
        title="Server error",
        received="HTTP 500",
        expected="a status below 500",
        path="HTTP status",
    )


CRASH = problem(500, "INTERNAL_ERROR", detail="an unexpected error occurred")


def _crash_on(body: RequestBody, answer: FakeResponse = CRASH) -> Identity:
    return identify_failure(_server_error(), request(body), answer)


@pytest.mark.parametrize(
    ("at", "normalised"),
    [
        pytest.param(
            "$.data.forbidden[3].workspaceId", "$.data.forbidden[*].workspaceId", id="index"
        ),
        pytest.param("$.data.accepted[12]", "$.data.accepted[*]", id="trailing-index"),
        pytest.param(
            '$.errors["items[0].status"][2]', '$.errors["items[*].status"][*]', id="index-in-a-key"
        ),
        pytest.param(
            '$.errors["items.4.status"]', '$.errors["items.*.status"]', id="dot-index-key"
        ),
        pytest.param("request body items[7].id", "request body items[*].id", id="request-site"),
        pytest.param(
            '$.errors["cfct-6b1d3f4e-51a4-4c8e-9d1b-0c6f3c1f7a11"]',
            '$.errors["cfct-*"]',
            id="reserved-id-key",
        ),
        pytest.param(
            "$.errors.6eca6a1f-0000-4000-8000-000000000001",
            "$.errors.<uuid>",
            id="uuid-segment",
        ),
        pytest.param("HTTP status", "HTTP status", id="no-index"),
        pytest.param("header Content-Type", "header Content-Type", id="header"),
        pytest.param("$.meta.requestId", "$.meta.requestId", id="plain-path"),
    ],
)
def test_paths_are_normalised(at: str, normalised: str) -> None:
    assert normalise_path(at) == normalised


def test_the_recipe_is_sha256_of_the_four_parts_joined_by_the_unit_separator() -> None:
    identity = identify_failure(_failure(), request(), CRASH)
    text = "\x1f".join(
        [
            "C19",
            "forbidden_entry_conformance",
            "Forbidden entry names a different workspace",
            "$.data.forbidden[*].workspaceId",
        ]
    )
    assert identity == Identity(
        "C19",
        "forbidden_entry_conformance",
        "Forbidden entry names a different workspace",
        "$.data.forbidden[*].workspaceId",
    )
    assert identity.fingerprint == hashlib.sha256(text.encode()).hexdigest()[:16]
    # Pinned: a baseline file and last night's report hold this value.
    assert identity.fingerprint == "7c399fe0335a5a76"


def test_a_server_error_hashes_its_clause_and_variant() -> None:
    identity = _crash_on(bulk(item(None)))
    assert identity.variant == "HTTP 500 INTERNAL_ERROR on items[*].id: null"
    text = "C15\x1f" + identity.variant
    assert identity.fingerprint == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert identity.summary == (
        "[C15] Server error at HTTP status (HTTP 500 INTERNAL_ERROR on items[*].id: null)"
    )


def test_the_older_recipe_is_kept_for_older_baselines() -> None:
    # Version 1 hashed the kind of request as a fifth part; this value was pinned then.
    identity = identify_failure(_failure(), request(), CRASH)
    assert identity.legacy_fingerprint("probe: sandbox: wrong workspace hint") == (
        "600c0a1e9e87f0e3"
    )


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"received": '"somewhere-else"'}, id="received"),
        pytest.param({"expected": "anything"}, id="expected"),
        pytest.param({"path": "$.data.forbidden[0].workspaceId"}, id="index"),
    ],
)
def test_what_a_run_varies_stays_out(changes: dict[str, str]) -> None:
    assert (
        identify_failure(_failure(**changes), request(), CRASH).fingerprint
        == identify_failure(_failure(), request(), CRASH).fingerprint
    )


def _no_answer(body: Any) -> Identity:
    failure = ConformanceFailure(
        clause="C22",
        check="liveness_conformance",
        title="Request got no answer",
        received="no HTTP answer",
        expected="an HTTP answer",
        path="POST /api/v2/incidents/across-workspaces/bulk-update",
    )
    return identify_failure(failure, request(body), None)


def test_requests_left_unanswered_are_told_apart_by_their_kind_of_input() -> None:
    array, plain, null_id = (
        _no_answer([1]),
        _no_answer(bulk(item("INC-1"))),
        _no_answer(bulk(item(None))),
    )
    assert array.variant == "no answer to a POST with a JSON array"
    assert plain.variant == "no answer to a POST with plain values"
    assert null_id.variant == "no answer to a POST with items[*].id: null"
    assert len({array.fingerprint, plain.fingerprint, null_id.fingerprint}) == 3
    assert _no_answer([2]).fingerprint == array.fingerprint


def test_the_request_tells_apart_only_server_errors() -> None:
    """Outside C15 and C22 the place in the answer says enough: the input does not split a
    defect."""
    one = identify_failure(_failure(), request(bulk(item(None))), CRASH)
    other = identify_failure(_failure(), request(bulk(item("INC-1"))), problem(400))
    assert one == other
    assert one.variant == ""


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"clause": "C20"}, id="clause"),
        pytest.param({"check": "another_check"}, id="check"),
        pytest.param({"title": "Forbidden entry has no reason"}, id="title"),
        pytest.param({"path": "$.data.forbidden[3].reason"}, id="path"),
    ],
)
def test_each_part_tells_defects_apart(changes: dict[str, str]) -> None:
    assert (
        identify_failure(_failure(**changes), request(), CRASH).fingerprint
        != identify_failure(_failure(), request(), CRASH).fingerprint
    )


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        pytest.param(NO_BODY, "no body", id="no-body"),
        pytest.param(NotJson(b"{items:"), "not JSON", id="not-json"),
        pytest.param([bulk(item("INC-1"))], "a JSON array", id="array"),
        pytest.param("items", "a JSON string", id="string"),
        pytest.param(3, "a JSON number", id="number"),
        pytest.param(True, "a JSON boolean", id="boolean"),
        pytest.param(bulk(item("INC-1", "ws-1", comment="x")), "plain values", id="plain"),
        pytest.param(bulk(item("INC-1", removeAssignee=True)), "plain values", id="flag"),
        pytest.param(bulk(item("I" * 4096)), "plain values", id="long-id"),
        pytest.param(bulk(item("INC-é")), "plain values", id="non-ascii-id"),
        pytest.param(bulk(item(None)), "items[*].id: null", id="null-id"),
        pytest.param(bulk(item("INC-1"), item(None)), "items[*].id: null", id="one-null-of-two"),
        pytest.param(bulk(item("")), "items[*].id: empty string", id="empty-id"),
        pytest.param(bulk(item(" \t")), "items[*].id: blank string", id="blank-id"),
        pytest.param(bulk(item(7)), "items[*].id: number", id="number-id"),
        pytest.param({"items": None}, "items: null", id="null-items"),
        pytest.param({"items": []}, "items: empty array", id="empty-items"),
        pytest.param({}, "$: empty object", id="empty-object"),
        pytest.param({"items": [{}]}, "items[*]: empty object", id="empty-item"),
        pytest.param(
            bulk(item(None, status=2), item("", status=None)),
            "items[*].id: empty string, items[*].id: null, "
            "items[*].status: null, items[*].status: number",
            id="several-sorted",
        ),
    ],
)
def test_the_kind_of_input(body: Any, kind: str) -> None:
    assert input_kind(body) == kind


def test_two_crashes_from_different_inputs_are_two_findings() -> None:
    null_id = _crash_on(bulk(item(None)))
    overlong = _crash_on(bulk(item("cfct-" + "x" * 200)))
    assert null_id.fingerprint != overlong.fingerprint


def test_one_crash_from_two_requests_of_one_kind_of_input_is_one_finding() -> None:
    """A probe and a property send different bodies with the same unusual value."""
    probe = _crash_on(bulk(item(None, comment="cf-conformance probe")))
    prop = _crash_on(bulk(item("INC-1001"), item(None), item("INC-1002")))
    assert probe.fingerprint == prop.fingerprint


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(problem(503, "INTERNAL_ERROR"), id="status"),
        pytest.param(problem(500, "DATABASE_UNAVAILABLE"), id="code"),
    ],
)
def test_the_answer_tells_server_errors_apart(answer: FakeResponse) -> None:
    body = bulk(item(None))
    assert _crash_on(body, answer).fingerprint != _crash_on(body).fingerprint


def test_what_an_answer_varies_stays_out_of_a_server_error() -> None:
    body = bulk(item(None))
    one = problem(500, "INTERNAL_ERROR", detail="trace 1", requestId="a:1")
    other = problem(500, "INTERNAL_ERROR", detail="trace 2", requestId="b:2")
    assert _crash_on(body, one) == _crash_on(body, other)


def test_a_server_error_without_a_problem_has_the_status_only() -> None:
    text = FakeResponse(502, {"Content-Type": "text/html"}, b"<html>Bad gateway</html>")
    assert _crash_on(bulk(item(None)), text).variant == "HTTP 502 on items[*].id: null"


def test_ids_in_a_title_stay_out() -> None:
    one = identify(
        clause="C15",
        check="schemathesis:ServerError",
        title="Server error for cfct-1111 in 6eca6a1f-0000-4000-8000-000000000001",
        at="POST /x",
    )
    other = identify(
        clause="C15",
        check="schemathesis:ServerError",
        title="Server error for cfct-2222 in 6eca6a1f-0000-4000-8000-000000000009",
        at="POST /x",
    )
    assert one.fingerprint == other.fingerprint
    assert one.summary == "[C15] Server error for cfct-* in <uuid> at POST /x"


def test_ids_in_a_kind_are_normalised() -> None:
    assert normalise_kind("probe: id cfct-aaaa") == "probe: id cfct-*"


def test_identifying_twice_changes_nothing() -> None:
    once = identify_failure(_failure(path='$.errors["cfct-x"][1]'), request(), CRASH)
    again = identify(clause=once.clause, check=once.check, title=once.title, at=once.at)
    assert again == once


def test_one_server_error_seen_by_two_checks_is_one_finding() -> None:
    ours = _crash_on(bulk(item(None)))
    theirs = identify_failure(
        ConformanceFailure(
            clause="C15",
            check="schemathesis:ServerError",
            title="Server error",
            received="500",
            expected="not 5xx",
            path="POST /api/v2/incidents/across-workspaces/bulk-update",
        ),
        request(bulk(item(None), item("INC-2"))),
        CRASH,
    )
    assert ours.fingerprint == theirs.fingerprint
