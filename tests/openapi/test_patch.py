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
        pytest.param(
            {"op": "add", "path": "/a/b/x", "value": 3},
            "operation 0 (add /a/b/x): 'x' is not a position in the 2-item list at /a/b "
            "(an index from 0 to 2, or '-' to append)",
            id="add-name-into-list",
        ),
        pytest.param(
            {"op": "add", "path": "/a/b/9", "value": 3},
            "operation 0 (add /a/b/9): '9' is not a position in the 2-item list at /a/b "
            "(an index from 0 to 2, or '-' to append)",
            id="add-past-end-of-list",
        ),
        pytest.param(
            {"op": "add", "path": "/a/b/-1", "value": 3},
            "operation 0 (add /a/b/-1): '-1' is not a position in the 2-item list at /a/b "
            "(an index from 0 to 2, or '-' to append)",
            id="add-negative-index",
        ),
        pytest.param(
            {"op": "add", "path": "/a/c/d", "value": 3},
            "operation 0 (add /a/c/d): /a/c holds 'x', which has no members to add to",
            id="add-into-string",
        ),
        pytest.param(
            {"op": "add", "path": "/zz/d", "value": 3},
            "operation 0 (add /zz/d): /zz does not exist",
            id="add-under-missing-parent",
        ),
        pytest.param(
            {"op": "remove", "path": "/a/b/2"},
            "operation 0 (remove /a/b/2): /a/b/2 does not exist",
            id="remove-past-end-of-list",
        ),
        pytest.param(
            {"op": "replace", "path": "/a/b/-", "value": 3},
            "operation 0 (replace /a/b/-): /a/b/- does not exist",
            id="replace-end-of-list",
        ),
        pytest.param(
            {"op": "test", "path": "/a/zz", "value": 1},
            "operation 0 (test /a/zz): /a/zz does not exist",
            id="test-missing",
        ),
        pytest.param(
            {"op": "test", "path": "/a/b/0", "value": True},
            "test /a/b/0 failed: expected True, found 1",
            id="test-true-is-not-1",
        ),
        pytest.param(
            {"op": "test", "path": "/a/c"}, "test /a/c: 'value' is required", id="test-no-value"
        ),
        pytest.param(
            {"op": "remove", "path": "a/c"},
            "operation 0 (remove a/c): not a JSON pointer: 'a/c' (Location must start with /)",
            id="path-without-slash",
        ),
        pytest.param(
            {"op": "replace", "path": "", "value": {}},
            "replace : patching the whole document is not supported",
            id="whole-document",
        ),
    ],
)
def test_apply_patch_rejects(operation: dict[str, Any], message: str) -> None:
    with pytest.raises(PatchError) as excinfo:
        apply_patch(_doc(), [operation])
    assert str(excinfo.value) == message


def test_a_failing_operation_is_named_by_its_index() -> None:
    operations = [{"op": "replace", "path": "/a/c", "value": "y"}, {"op": "remove", "path": "/zz"}]
    with pytest.raises(PatchError) as excinfo:
        apply_patch(_doc(), operations)
    assert str(excinfo.value) == "operation 1 (remove /zz): /zz does not exist"


def test_added_values_are_copies_so_the_patch_stays_unchanged() -> None:
    operation = {"op": "add", "path": "/a/d", "value": {"e": []}}
    document = _doc()
    apply_patch(document, [operation])
    document["a"]["d"]["e"].append(1)
    assert operation["value"] == {"e": []}
