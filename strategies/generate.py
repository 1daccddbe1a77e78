"""The public entry points of the spec-derived layer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hypothesis import strategies as st

from conformance.openapi.pointer import escape
from strategies.invalid import Labelled, invalid_values
from strategies.schema_compiler import compile_schema
from strategies.schema_nodes import Node
from strategies.valid import GenerationOptions, valid_values

__all__ = ["NoInvalidValueError", "SchemaLike", "from_schema", "invalid_examples", "schema_node"]

# A schema object, `true`, or a reference into the document such as "#/components/schemas/X".
SchemaLike = Mapping[str, Any] | bool | str


class NoInvalidValueError(ValueError):
    """Invalid data was asked for a schema that accepts every JSON value."""


def schema_node(schema: SchemaLike, *, root: Mapping[str, Any]) -> Node:
    """The walker's tree for ``schema``, with JSON pointers into ``root`` in its errors."""
    if isinstance(schema, str):
        return compile_schema({"$ref": schema}, root=root, pointer=schema)
    pointer = _locate(root, schema) if isinstance(schema, Mapping) else None
    return compile_schema(schema, root=root, pointer=pointer or "<given schema>")


def from_schema(
    schema: SchemaLike,
    *,
    root: Mapping[str, Any],
    valid: bool = True,
    extra_properties: bool = False,
    max_list_size: int | None = None,
) -> st.SearchStrategy[Any]:
    """JSON values for ``schema``: valid ones, or (``valid=False``) ones breaking one rule.

    ``root`` is the whole OpenAPI document (pass ``corrected_document()``); ``$ref``s resolve
    against it. See ``GenerationOptions`` for ``extra_properties`` and ``max_list_size``.
    """
    if not valid:
        labelled = invalid_examples(
            schema, root=root, extra_properties=extra_properties, max_list_size=max_list_size
        )
        return labelled.map(lambda pair: pair[0])
    options = GenerationOptions(extra_properties=extra_properties, max_list_size=max_list_size)
    return valid_values(schema_node(schema, root=root), options)


def invalid_examples(
    schema: SchemaLike,
    *,
    root: Mapping[str, Any],
    extra_properties: bool = False,
    max_list_size: int | None = None,
) -> st.SearchStrategy[Labelled]:
    """``(value, Violation)`` pairs: each value breaks exactly the labelled constraint."""
    node = schema_node(schema, root=root)
    options = GenerationOptions(extra_properties=extra_properties, max_list_size=max_list_size)
    strategy = invalid_values(node, options)
    if strategy is None:
        raise NoInvalidValueError(
            f"the schema at {node.pointer} accepts every JSON value: no invalid value exists"
        )
    return strategy


def _locate(root: Mapping[str, Any], target: Mapping[str, Any]) -> str | None:
    """The pointer of ``target`` inside ``root`` (by identity), for readable error messages."""
    for pointer, node in _walk(root, "#"):
        if node is target:
            return pointer
    return None


def _walk(node: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    yield pointer, node
    if isinstance(node, Mapping):
        for key, child in node.items():
            yield from _walk(child, f"{pointer}/{escape(key)}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, f"{pointer}/{index}")
