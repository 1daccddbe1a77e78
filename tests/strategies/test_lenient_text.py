"""Bodies that only a lenient parser reads: each is the valid body with one deviation."""

from __future__ import annotations

import json
from typing import Any

import json5
import pytest
from hypothesis import given, settings

from conformance.sandbox import Incident, Sandbox, unsafe_ids
from strategies import Violation, ViolationKind, not_strict_json_bulk_requests
from strategies.lenient_text import DEVIATIONS, Deviation, render_lenient

BODY = {"items": [{"id": "cfct-1", "comment": 'it\'s "quoted"', "removeAssignee": True}]}
SANDBOX = Sandbox(writable=(Incident("inc-w1", "ws-alpha"),))


@pytest.mark.parametrize(
    ("deviation", "text"),
    [
        pytest.param(
            "trailing commas",
            '{"items": [{"id": "cfct-1", "comment": "it\'s \\"quoted\\"", '
            '"removeAssignee": true,},],}',
            id="trailing-commas",
        ),
        pytest.param(
            "single quotes",
            "{'items': [{'id': 'cfct-1', 'comment': 'it\\'s \"quoted\"', 'removeAssignee': true}]}",
            id="single-quotes",
        ),
        pytest.param(
            "unquoted names",
            '{items: [{id: "cfct-1", comment: "it\'s \\"quoted\\"", removeAssignee: true}]}',
            id="unquoted-names",
        ),
        pytest.param("a line comment", "// cf-conformance\n" + json.dumps(BODY), id="line-comment"),
        pytest.param(
            "a block comment", "/* cf-conformance */ " + json.dumps(BODY), id="block-comment"
        ),
    ],
)
def test_each_deviation_is_lenient_json_for_the_same_body(deviation: Deviation, text: str) -> None:
    rendered = render_lenient(BODY, deviation)
    assert rendered == text
    assert json5.loads(rendered) == BODY
    with pytest.raises(json.JSONDecodeError):
        json.loads(rendered)


@pytest.mark.parametrize("deviation", ["trailing commas", "single quotes", "unquoted names"])
def test_a_body_without_room_for_a_deviation_has_none(deviation: Deviation) -> None:
    assert render_lenient({}, deviation) is None


@settings(max_examples=60)
@given(not_strict_json_bulk_requests(SANDBOX, max_items=3))
def test_bulk_bodies_are_labelled_lenient_json_with_allowed_ids(
    labelled: tuple[bytes, Violation],
) -> None:
    content, violation = labelled
    assert violation.kind is ViolationKind.NOT_STRICT_JSON
    assert violation.detail.removeprefix("the body has ") in DEVIATIONS
    parsed: Any = json5.loads(content.decode())
    assert isinstance(parsed["items"], list)
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)
    assert not list(unsafe_ids(SANDBOX, content))
