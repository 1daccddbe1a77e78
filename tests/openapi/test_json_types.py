"""The one JSON-type classifier: whole floats are integers, as JSON Schema reads them."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.openapi.json_types import JsonType, json_type_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, "null", id="null"),
        pytest.param(True, "boolean", id="bool-is-not-integer"),
        pytest.param(3, "integer", id="int"),
        pytest.param(3.0, "integer", id="whole-float"),
        pytest.param(3.5, "number", id="fraction"),
        pytest.param("3", "string", id="string"),
        pytest.param([], "array", id="list"),
        pytest.param({}, "object", id="dict"),
    ],
)
def test_json_type_of(value: Any, expected: JsonType) -> None:
    assert json_type_of(value) == expected


def test_json_type_of_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match=r"^not a JSON value: \(1, 2\)$"):
        json_type_of((1, 2))
