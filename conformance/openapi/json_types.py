"""The JSON type of a value, as JSON Schema names it: the one classifier.

JSON has one number type; JSON Schema calls a number ``integer`` when its fractional part is
zero, so ``1.0`` is an integer as much as ``1`` is (its instance data model). A parsed
document or body keeps ``1.0`` as a Python ``float``, which must not make it a ``number``
only.
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["JSON_TYPES", "JsonType", "json_type_of"]

JsonType = Literal["null", "boolean", "integer", "number", "string", "array", "object"]
JSON_TYPES: tuple[JsonType, ...] = (
    "null",
    "boolean",
    "integer",
    "number",
    "string",
    "array",
    "object",
)


def json_type_of(value: Any) -> JsonType:
    """The JSON Schema type of ``value``; ``TypeError`` for what JSON cannot hold."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not a JSON value: {value!r}")
