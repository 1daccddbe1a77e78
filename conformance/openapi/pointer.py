"""JSON Pointer (RFC 6901) helpers shared by the corrections, the findings, the drift
classifier and the walker.

Parsing, escaping and stepping into lists are the ``jsonpointer`` library's, the same rules
``jsonpatch`` applies the corrections with. What this module adds: a ``KeyError`` that names
the first part of a pointer that leads nowhere, and following local ``$ref``s.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsonpointer import EndOfList, JsonPointer, JsonPointerException
from jsonpointer import escape as _escape

__all__ = ["escape", "follow_refs", "join", "resolve", "split"]

# ``walk`` (one step into a document) belongs to no pointer in particular.
_STEPPER = JsonPointer("")


def escape(token: str | int) -> str:
    return _escape(str(token))


def join(*tokens: str | int) -> str:
    return JsonPointer.from_parts(tokens).path


def split(pointer: str) -> list[str]:
    try:
        return JsonPointer(pointer).parts
    except JsonPointerException as exc:
        raise ValueError(f"not a JSON pointer: {pointer!r} ({exc})") from None


def resolve(document: Any, pointer: str | Iterable[str]) -> Any:
    """The value at ``pointer``; ``KeyError`` names the pointer when it leads nowhere."""
    tokens = split(pointer) if isinstance(pointer, str) else list(pointer)
    node = document
    for depth, token in enumerate(tokens):
        try:
            node = _STEPPER.walk(node, token)
            # ``-`` names the slot after a list's last item, which holds nothing yet.
            if isinstance(node, EndOfList):
                raise JsonPointerException(token)
        except JsonPointerException:
            raise KeyError(f"{join(*tokens[: depth + 1])} does not exist") from None
    return node


def follow_refs(document: Any, node: Any) -> Any:
    """``node`` with local ``$ref``s followed; a dangling, external or cyclic one stops there."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#") or ref in seen:
            return node
        seen.add(ref)
        try:
            node = resolve(document, ref[1:])
        except (KeyError, ValueError):
            return node
    return node
