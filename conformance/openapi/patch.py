"""JSON Patch (RFC 6902) for the corrections file: the ``jsonpatch`` library, limited to the
four operations the corrections use (add, replace, remove, test).

``test`` matters here: a correction that no longer matches the vendored file (because the
vendor fixed or moved the defect) must fail loudly rather than patch the wrong thing. The
other operations are refused because the rest of the suite reasons about these four only
(the schemathesis hooks tell an applied correction from a pending one by them).

The library's errors become a ``PatchError`` naming the operation and what is missing: its
own messages can quote the whole document, which is the entire spec here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jsonpatch
from jsonpointer import JsonPointerException

from conformance.openapi.pointer import join, resolve, split

__all__ = ["PatchError", "apply_patch"]

_OPERATIONS = ("add", "replace", "remove", "test")


class PatchError(ValueError):
    """A patch operation that does not fit the document it is applied to."""


def apply_patch(document: Any, operations: Sequence[Mapping[str, Any]]) -> None:
    """Apply ``operations`` to ``document`` in place, in order."""
    for index, operation in enumerate(operations):
        op, path, tokens = _checked(index, operation)
        try:
            jsonpatch.JsonPatch([operation]).apply(document, in_place=True)
        except (jsonpatch.JsonPatchException, JsonPointerException):
            reason = _missing(document, op, tokens)
            if reason is None and op == "test":
                raise PatchError(
                    f"test {path} failed: expected {operation['value']!r}, "
                    f"found {resolve(document, tokens)!r}"
                ) from None
            raise PatchError(
                f"operation {index} ({op} {path}): {reason or _misplaced(document, tokens)}"
            ) from None


def _checked(index: int, operation: Mapping[str, Any]) -> tuple[str, str, list[str]]:
    """The operation's name, path and path tokens, once its shape is one this module applies."""
    op, path = operation.get("op"), operation.get("path")
    if not isinstance(path, str):
        raise PatchError(f"operation {index}: 'path' must be a JSON pointer string")
    if op not in _OPERATIONS:
        raise PatchError(f"unsupported patch op {op!r} at {path} (use add, replace, remove, test)")
    try:
        tokens = split(path)
    except ValueError as exc:
        raise PatchError(f"operation {index} ({op} {path}): {exc}") from None
    if not tokens:
        # The library would hand back a new document instead of changing this one in place.
        raise PatchError(f"{op} {path}: patching the whole document is not supported")
    if op != "remove" and "value" not in operation:
        raise PatchError(f"{op} {path}: 'value' is required")
    return str(op), path, tokens


def _missing(document: Any, op: str, tokens: list[str]) -> str | None:
    """Which part of the path does not exist, for an operation that needs it to."""
    # add needs the parent only; the others act on the target itself.
    needed = tokens[:-1] if op == "add" else tokens
    try:
        resolve(document, needed)
    except KeyError as exc:
        return str(exc.args[0])
    return None


def _misplaced(document: Any, tokens: list[str]) -> str:
    """Why an add whose parent exists still does not fit there."""
    parent, at = resolve(document, tokens[:-1]), join(*tokens[:-1]) or "the document root"
    if isinstance(parent, list):
        return (
            f"{tokens[-1]!r} is not a position in the {len(parent)}-item list at {at} "
            f"(an index from 0 to {len(parent)}, or '-' to append)"
        )
    return f"{at} holds {parent!r}, which has no members to add to"
