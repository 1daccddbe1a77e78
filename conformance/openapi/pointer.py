"""JSON Pointer (RFC 6901) helpers shared by the corrections, the findings and the walker."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["escape", "follow_refs", "join", "resolve", "split"]


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def join(*tokens: str | int) -> str:
    return "".join("/" + escape(token) for token in tokens)


def split(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r} (it must start with '/')")
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def resolve(document: Any, pointer: str | Iterable[str]) -> Any:
    """The value at ``pointer``; ``KeyError`` names the pointer when it leads nowhere."""
    tokens = split(pointer) if isinstance(pointer, str) else list(pointer)
    node = document
    for depth, token in enumerate(tokens):
        try:
            node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError, TypeError):
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
