"""The subset of JSON Patch (RFC 6902) the corrections file uses: add, replace, remove, test.

``test`` matters here: a correction that no longer matches the vendored file (because the
vendor fixed or moved the defect) must fail loudly rather than patch the wrong thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conformance.openapi.pointer import resolve, split

__all__ = ["PatchError", "apply_patch"]


class PatchError(ValueError):
    """A patch operation that does not fit the document it is applied to."""


def apply_patch(document: Any, operations: Sequence[Mapping[str, Any]]) -> None:
    """Apply ``operations`` to ``document`` in place."""
    for index, operation in enumerate(operations):
        op, path = operation.get("op"), operation.get("path")
        if not isinstance(path, str):
            raise PatchError(f"operation {index}: 'path' must be a JSON pointer string")
        try:
            _apply_one(document, str(op), path, operation)
        except KeyError as exc:
            raise PatchError(f"operation {index} ({op} {path}): {exc.args[0]}") from None


def _apply_one(document: Any, op: str, path: str, operation: Mapping[str, Any]) -> None:
    tokens = split(path)
    if not tokens:
        raise PatchError(f"{op} {path}: patching the whole document is not supported")
    parent, last = resolve(document, tokens[:-1]), tokens[-1]
    if op == "test":
        actual = resolve(document, tokens)
        if actual != operation.get("value"):
            raise PatchError(
                f"test {path} failed: expected {operation.get('value')!r}, found {actual!r}"
            )
    elif op == "remove":
        resolve(document, tokens)
        del parent[int(last) if isinstance(parent, list) else last]
    elif op in ("add", "replace"):
        if "value" not in operation:
            raise PatchError(f"{op} {path}: 'value' is required")
        if op == "replace":
            resolve(document, tokens)
        if isinstance(parent, list):
            position = len(parent) if last == "-" else int(last)
            if op == "add":
                parent.insert(position, operation["value"])
            else:
                parent[position] = operation["value"]
        else:
            parent[last] = operation["value"]
    else:
        raise PatchError(f"unsupported patch op {op!r} at {path} (use add, replace, remove, test)")
