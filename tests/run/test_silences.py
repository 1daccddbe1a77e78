"""Requests shaped like one left unanswered: their traits, and which of them are skipped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.openapi import BULK_UPDATE_PATH
from conformance.reports import RunReport
from conformance.run.client import PlannedRequest
from conformance.run.silences import Silences, report_skipped, traits

JSON = {"Content-Type": "application/json", "Authorization": "Basic c2VjcmV0"}
ROUTE = f"POST {BULK_UPDATE_PATH} | "


def _post(body: Any = None, *, content: bytes | None = None, **headers: str) -> PlannedRequest:
    if body is not None:
        content = json.dumps(body).encode()
    return PlannedRequest("POST", BULK_UPDATE_PATH, {**JSON, **headers}, content)


def _unassign(**fields: Any) -> dict[str, Any]:
    return {"items": [{"id": "cfct-1", "removeAssignee": True, **fields}]}


@pytest.mark.parametrize(
    ("planned", "expected"),
    [
        pytest.param(
            _post({"items": [{"id": "a", "comment": "x"}, {"id": "b", "status": None}]}),
            {
                "body $: object",
                "body $.items: array",
                "body $.items[*]: object",
                "body $.items[*].id: string",
                "body $.items[*].comment: string",
                "body $.items[*].status: null",
            },
            id="json-skeleton-with-array-elements-merged",
        ),
        pytest.param(
            _post([1, 2.5, True, False]),
            {
                "body $: array",
                "body $[*]: number",
                "body $[*]: true",
                "body $[*]: false",
            },
            id="booleans-by-value-numbers-by-type",
        ),
        pytest.param(
            _post(content=b"{items: []}"), {"body: text as application/json"}, id="not-json-text"
        ),
        pytest.param(
            _post(content=b"\xff\xfe{"), {"body: binary as application/json"}, id="not-json-binary"
        ),
        pytest.param(_post(), {"body: none"}, id="no-body"),
    ],
)
def test_body_traits(planned: PlannedRequest, expected: set[str]) -> None:
    found = {trait.removeprefix(ROUTE) for trait in traits(planned)}
    assert found - {"content-type: application/json", "authorization: basic"} == expected


def test_a_body_that_is_not_json_is_classed_with_the_media_type_it_was_sent_as() -> None:
    """A server that stalls on text it was told is JSON may answer the same text as text."""
    as_json = _post(content=b"{items: [}", Authorization="Bearer t")  # not the same traits
    as_text = _post(content=b"{items: [}", **{"Content-Type": "text/plain"})
    silences = _silences(
        answered=[as_text, _post({"items": []})], unanswered=[_post(content=b"not json")]
    )
    assert silences.shaped_like_unanswered(as_json) == (
        "silent traits: body: text as application/json"
    )
    assert silences.shaped_like_unanswered(as_text) is None


def test_values_are_dropped_and_headers_reduced_to_their_class() -> None:
    one = _post({"items": [{"id": "a", "comment": "short"}]})
    other = _post(
        {"items": [{"id": "b", "comment": "a much longer comment"}, {"id": "c"}]},
        Authorization="Basic b3RoZXI=",
    )
    assert traits(one) == traits(other)
    bearer = _post({"items": [{"id": "a", "comment": "short"}]}, Authorization="Bearer t")
    assert ROUTE + "authorization: bearer" in traits(bearer)
    assert not any("c2VjcmV0" in trait for trait in traits(one))


def test_traits_are_scoped_to_the_method_and_path() -> None:
    planned = PlannedRequest("PUT", "/elsewhere", {}, None)
    assert traits(planned) == {
        "PUT /elsewhere | content-type: none",
        "PUT /elsewhere | authorization: none",
        "PUT /elsewhere | body: none",
    }


def _silences(*, answered: list[PlannedRequest], unanswered: list[PlannedRequest]) -> Silences:
    silences = Silences()
    for planned in answered:
        silences.answered(planned)
    for planned in unanswered:
        silences.unanswered(planned)
    return silences


ANSWERED = [
    _post({"items": [{"id": "a", "removeAssignee": False, "comment": "x"}]}),
    _post({"items": [{"id": "a", "status": "Closed"}]}),
]


@pytest.mark.parametrize(
    ("unanswered", "candidate", "skipped"),
    [
        pytest.param(
            [_post(_unassign())],
            _post({"items": [{"id": "z", "removeAssignee": True}]}),
            True,
            id="same-traits",
        ),
        pytest.param(
            [_post(_unassign())],
            _post(_unassign(comment="new", status="Closed")),
            True,
            id="carries-the-silent-trait-among-others",
        ),
        pytest.param(
            [_post(_unassign())],
            _post({"items": [{"id": "a", "removeAssignee": False, "status": "Closed"}]}),
            False,
            id="without-the-silent-trait",
        ),
        pytest.param(
            [_post(_unassign(severity="High"))],
            _post(_unassign()),
            False,
            id="only-part-of-the-silent-traits",
        ),
        pytest.param(
            [_post({"items": [{"id": "a", "comment": "x"}]})],
            _post({"items": [{"id": "b", "comment": "y"}, {"id": "c", "status": "Closed"}]}),
            False,
            id="no-silent-trait-and-other-traits",
        ),
        pytest.param(
            [_post({"items": [{"id": "a", "comment": "x"}]})],
            _post({"items": [{"id": "b", "comment": "y"}]}),
            True,
            id="no-silent-trait-but-the-same-traits",
        ),
        pytest.param(
            [_post(_unassign())],
            PlannedRequest("POST", "/other", JSON, json.dumps(_unassign()).encode()),
            False,
            id="another-path",
        ),
        pytest.param([], _post(_unassign()), False, id="nothing-unanswered"),
    ],
)
def test_shaped_like_an_unanswered_request(
    unanswered: list[PlannedRequest], candidate: PlannedRequest, skipped: bool
) -> None:
    silences = _silences(answered=ANSWERED, unanswered=unanswered)
    assert silences.skip(candidate, phase="valid bulk updates") is skipped
    assert silences.total_skipped == int(skipped)


def test_the_silent_traits_narrow_as_answers_show_them() -> None:
    """At first every trait of the unanswered request is silent; answers narrow them down."""
    silences = _silences(answered=[], unanswered=[_post(_unassign(severity="High"))])
    candidate = _post(_unassign(comment="c"))
    assert silences.shaped_like_unanswered(candidate) is None  # no severity: not all of them
    silences.answered(_post({"items": [{"id": "q", "severity": "Low", "removeAssignee": False}]}))
    assert silences.shaped_like_unanswered(candidate) == (
        "silent traits: body $.items[*].removeAssignee: true"
    )


def test_skipped_requests_are_counted_per_phase_and_noted_in_the_report() -> None:
    silences = _silences(answered=ANSWERED, unanswered=[_post(_unassign())])
    for phase in ("valid bulk updates", "valid bulk updates", "fuzz (positive)"):
        assert silences.skip(_post(_unassign(comment="c")), phase=phase)
    report = RunReport(target="t", base_url="http://x", profile="smoke", seed=1)
    report_skipped(report, silences)
    assert report.skipped_requests == 3
    assert report.notes == [
        "valid bulk updates: 2 generated request(s) not sent, shaped like a request the target "
        "left unanswered (C22) (silent traits: body $.items[*].removeAssignee: true)",
        "fuzz (positive): 1 generated request(s) not sent, shaped like a request the target "
        "left unanswered (C22) (silent traits: body $.items[*].removeAssignee: true)",
    ]
