"""The walker: one pass over a schema of the vendored document into a tree of nodes.

The tree (``strategies.schema_nodes``) covers the JSON Schema 2020-12 subset the spec uses;
any other keyword raises ``UnsupportedSchemaError`` naming it and its JSON pointer, because a
keyword the generators skipped would make them produce data the spec does not describe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from conformance.openapi.pointer import escape, resolve
from strategies.schema_nodes import (
    JSON_TYPES,
    AnyNode,
    ArrayNode,
    BooleanNode,
    EnumNode,
    IntegerNode,
    JsonType,
    Node,
    NullNode,
    NumberNode,
    ObjectNode,
    StringNode,
    UnionNode,
    accepted_types,
    json_type_of,
)

__all__ = ["UnsupportedSchemaError", "compile_schema"]

# Keywords that describe but never constrain: skipping them changes no generated value.
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "example",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
        "externalDocs",
    }
)
# Which type each type-specific keyword constrains (a keyword for an absent type is refused).
_KEYWORD_TYPES: dict[str, frozenset[str]] = {
    "pattern": frozenset({"string"}),
    "format": frozenset({"integer", "string"}),
    "items": frozenset({"array"}),
    "minItems": frozenset({"array"}),
    "maxItems": frozenset({"array"}),
    "properties": frozenset({"object"}),
    "required": frozenset({"object"}),
    "additionalProperties": frozenset({"object"}),
}
_SUPPORTED_FORMATS = frozenset({"int32"})


class UnsupportedSchemaError(ValueError):
    """A schema uses something the strategies cannot honour."""

    def __init__(self, keyword: str, pointer: str, reason: str) -> None:
        super().__init__(f"unsupported schema keyword {keyword!r} at {pointer}: {reason}")
        self.keyword = keyword
        self.pointer = pointer


def compile_schema(schema: Any, *, root: Mapping[str, Any], pointer: str = "#") -> Node:
    """The node tree for ``schema``; ``$ref``s resolve against ``root`` (the whole document).

    ``pointer`` names the schema in error messages; ``"#/components/schemas/X"`` style.
    """
    return _Compiler(root).compile(schema, pointer)


@dataclass
class _Compiler:
    root: Mapping[str, Any]
    _refs: dict[str, Node] = field(default_factory=dict)
    _resolving: set[str] = field(default_factory=set)

    def compile(self, schema: Any, pointer: str) -> Node:
        if schema is True:
            return AnyNode(pointer)
        if not isinstance(schema, Mapping):
            raise UnsupportedSchemaError(
                str(schema), pointer, "only object schemas and `true` are supported"
            )
        self._refuse_unknown(schema, pointer)
        if "$ref" in schema:
            return self._ref(schema, pointer)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self._union(schema, keyword, pointer)
        if "enum" in schema:
            return self._enum(schema, pointer)
        if "type" not in schema:
            return self._untyped(schema, pointer)
        return self._typed(schema, pointer)

    def _refuse_unknown(self, schema: Mapping[str, Any], pointer: str) -> None:
        supported = {"$ref", "oneOf", "anyOf", "enum", "type", *_KEYWORD_TYPES}
        for keyword in schema:
            if keyword not in supported and keyword not in _ANNOTATIONS:
                raise UnsupportedSchemaError(
                    keyword, pointer, "the strategies cannot honour it, so they refuse the schema"
                )

    def _constraints(self, schema: Mapping[str, Any], pointer: str, *allowed: str) -> None:
        for keyword in schema:
            if keyword not in _ANNOTATIONS and keyword not in allowed:
                raise UnsupportedSchemaError(
                    keyword, pointer, f"cannot be combined with {allowed[0]}"
                )

    def _ref(self, schema: Mapping[str, Any], pointer: str) -> Node:
        # OpenAPI 3.1 lets annotations such as `description` sit next to a $ref.
        for keyword in schema:
            if keyword != "$ref" and keyword not in _ANNOTATIONS:
                raise UnsupportedSchemaError(keyword, pointer, "cannot be combined with $ref")
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise UnsupportedSchemaError(
                "$ref", pointer, f"only references within the document are supported: {ref!r}"
            )
        if ref in self._refs:
            return self._refs[ref]
        if ref in self._resolving:
            raise UnsupportedSchemaError("$ref", pointer, f"recursive reference to {ref}")
        try:
            target = resolve(self.root, ref[1:])
        except KeyError as exc:
            raise UnsupportedSchemaError(
                "$ref", pointer, f"{ref} does not resolve: {exc}"
            ) from None
        self._resolving.add(ref)
        try:
            node = self.compile(target, ref)
        finally:
            self._resolving.discard(ref)
        self._refs[ref] = node
        return node

    def _union(self, schema: Mapping[str, Any], keyword: str, pointer: str) -> Node:
        self._constraints(schema, pointer, keyword)
        raw = schema[keyword]
        if not isinstance(raw, list) or not raw:
            raise UnsupportedSchemaError(keyword, pointer, "must be a non-empty list of schemas")
        here = f"{pointer}/{keyword}"
        branches = tuple(self.compile(item, f"{here}/{i}") for i, item in enumerate(raw))
        node = UnionNode(pointer, branches, exclusive=keyword == "oneOf")
        if node.exclusive:
            _refuse_overlap(node, here)
        return _nulls_first(node)

    def _enum(self, schema: Mapping[str, Any], pointer: str) -> Node:
        self._constraints(schema, pointer, "enum", "type")
        members = schema["enum"]
        if not isinstance(members, list):
            raise UnsupportedSchemaError("enum", pointer, "must be a list")
        if "type" in schema:
            # Members outside the declared type can never validate, so they are never sent.
            types = set(self._types(schema, pointer))
            if "number" in types:
                types.add("integer")
            members = [m for m in members if json_type_of(m) in types]
        # S7: an untyped enum takes its types from its members.
        non_null = tuple(dict.fromkeys((m for m in members if m is not None), None))
        has_null = any(m is None for m in members)
        if not non_null and not has_null:
            raise UnsupportedSchemaError("enum", pointer, "no member satisfies the declared type")
        if not non_null:
            return NullNode(pointer)
        enum = EnumNode(pointer, non_null)
        return UnionNode(pointer, (NullNode(pointer), enum)) if has_null else enum

    def _untyped(self, schema: Mapping[str, Any], pointer: str) -> Node:
        for keyword in _KEYWORD_TYPES:
            if keyword in schema:
                raise UnsupportedSchemaError(
                    keyword, pointer, "a schema without `type` would apply it to one type only"
                )
        return AnyNode(pointer)

    def _types(self, schema: Mapping[str, Any], pointer: str) -> list[JsonType]:
        raw = schema["type"]
        names = [raw] if isinstance(raw, str) else raw
        if not isinstance(names, list) or not names or any(n not in JSON_TYPES for n in names):
            raise UnsupportedSchemaError(
                "type", pointer, f"not a JSON type or list of them: {raw!r}"
            )
        return list(dict.fromkeys(names))

    def _typed(self, schema: Mapping[str, Any], pointer: str) -> Node:
        types = self._types(schema, pointer)
        for keyword, applies_to in _KEYWORD_TYPES.items():
            if keyword in schema and not applies_to.intersection(types):
                raise UnsupportedSchemaError(
                    keyword, pointer, f"it constrains none of the declared types {types}"
                )
        int32 = self._int32(schema, pointer)
        branches = tuple(self._branch(schema, name, int32, pointer) for name in types)
        if len(branches) == 1:
            return branches[0]
        return _nulls_first(UnionNode(pointer, branches))

    def _int32(self, schema: Mapping[str, Any], pointer: str) -> bool:
        if "format" not in schema:
            return False
        if schema["format"] not in _SUPPORTED_FORMATS:
            raise UnsupportedSchemaError(
                "format", pointer, f"format {schema['format']!r} has no generator"
            )
        return True

    def _branch(self, schema: Mapping[str, Any], name: JsonType, int32: bool, pointer: str) -> Node:
        match name:
            case "null":
                return NullNode(pointer)
            case "boolean":
                return BooleanNode(pointer)
            case "integer":
                return IntegerNode(pointer, int32=int32)
            case "number":
                return NumberNode(pointer)
            case "string":
                return StringNode(pointer, pattern=schema.get("pattern"), int32=int32)
            case "array":
                return self._array(schema, pointer)
            case "object":
                return self._object(schema, pointer)
        raise AssertionError(name)  # unreachable: _types() checked the names

    def _array(self, schema: Mapping[str, Any], pointer: str) -> ArrayNode:
        items = (
            self.compile(schema["items"], f"{pointer}/items")
            if "items" in schema
            else AnyNode(pointer)
        )
        return ArrayNode(
            pointer,
            items,
            min_items=int(schema.get("minItems", 0)),
            max_items=int(schema["maxItems"]) if "maxItems" in schema else None,
        )

    def _object(self, schema: Mapping[str, Any], pointer: str) -> ObjectNode:
        raw_properties: Mapping[str, Any] = schema.get("properties", {})
        properties = [
            (name, self.compile(sub, f"{pointer}/properties/{escape(name)}"))
            for name, sub in raw_properties.items()
        ]
        required = tuple(schema.get("required", ()))
        # A required name the schema does not describe may hold any value.
        properties += [(name, AnyNode(pointer)) for name in required if name not in raw_properties]
        additional: Node | bool | None = None
        if "additionalProperties" in schema:
            raw = schema["additionalProperties"]
            additional = (
                raw
                if isinstance(raw, bool)
                else self.compile(raw, f"{pointer}/additionalProperties")
            )
        return ObjectNode(pointer, tuple(properties), required, additional)


def _nulls_first(node: UnionNode) -> UnionNode:
    # Hypothesis shrinks one_of towards its first branch: null first makes failures shrink
    # to null, the simplest value a nullable field can hold.
    ordered = sorted(node.branches, key=lambda b: not isinstance(b, NullNode))
    return replace(node, branches=tuple(ordered))


def _refuse_overlap(node: UnionNode, pointer: str) -> None:
    seen: set[JsonType] = set()
    for branch in node.branches:
        overlap = (accepted_types(branch) - {"null"}) & seen
        if overlap:
            raise UnsupportedSchemaError(
                "oneOf", pointer, f"branches overlap on type {sorted(overlap)[0]!r}"
            )
        seen |= accepted_types(branch)
