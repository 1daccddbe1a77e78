from typing import Any

import pytest

from conformance.openapi import PatchError, apply_patch


def _doc() -> dict[str, Any]:
    return {"a": {"b": [1, 2], "c": "x"}, "s~/": 1}


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        pytest.param(
            {"op": "replace", "path": "/a/c", "value": "y"},
            {"a": {"b": [1, 2], "c": "y"}, "s~/": 1},
            id="replace-member",
        ),
        pytest.param(
            {"op": "add", "path": "/a/d", "value": None},
            {"a": {"b": [1, 2], "c": "x", "d": None}, "s~/": 1},
            id="add-member",
        ),
        pytest.param(
            {"op": "add", "path": "/a/b/-", "value": 3},
            {"a": {"b": [1, 2, 3], "c": "x"}, "s~/": 1},
            id="append-to-list",
        ),
        pytest.param(
            {"op": "add", "path": "/a/b/0", "value": 0},
            {"a": {"b": [0, 1, 2], "c": "x"}, "s~/": 1},
            id="insert-into-list",
        ),
        pytest.param(
            {"op": "remove", "path": "/a/b/1"},
            {"a": {"b": [1], "c": "x"}, "s~/": 1},
            id="remove-list-item",
        ),
        pytest.param(
            {"op": "remove", "path": "/s~0~1"}, {"a": {"b": [1, 2], "c": "x"}}, id="escaped-token"
        ),
        pytest.param({"op": "test", "path": "/a/c", "value": "x"}, _doc(), id="test-passes"),
    ],
)
def test_apply_patch(operation: dict[str, Any], expected: dict[str, Any]) -> None:
    document = _doc()
    apply_patch(document, [operation])
    assert document == expected


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        pytest.param(
            {"op": "test", "path": "/a/c", "value": "z"},
            "test /a/c failed: expected 'z', found 'x'",
            id="test-fails",
        ),
        pytest.param(
            {"op": "replace", "path": "/a/zz", "value": 1},
            "operation 0 (replace /a/zz): /a/zz does not exist",
            id="replace-missing",
        ),
        pytest.param(
            {"op": "move", "path": "/a/c"},
            "unsupported patch op 'move' at /a/c (use add, replace, remove, test)",
            id="unsupported-op",
        ),
        pytest.param(
            {"op": "add", "path": "/a/e"}, "add /a/e: 'value' is required", id="add-no-value"
        ),
        pytest.param(
            {"op": "add", "value": 1},
            "operation 0: 'path' must be a JSON pointer string",
            id="no-path",
        ),
    ],
)
def test_apply_patch_rejects(operation: dict[str, Any], message: str) -> None:
    with pytest.raises(PatchError) as excinfo:
        apply_patch(_doc(), [operation])
    assert str(excinfo.value) == message
