"""The walker's tree: one small frozen node per JSON Schema construct the spec uses.

``strategies.schema_compiler`` builds the tree from a schema; valid and invalid generation
both read it, so negative data can never drift from positive data. The functions here answer
questions about a tree (which JSON types it accepts, its enum members, its non-null part).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from conformance.openapi.json_types import JSON_TYPES, JsonType, json_type_of

__all__ = [
    "INT32_MAX",
    "INT32_MIN",
    "JSON_TYPES",
    "AnyNode",
    "ArrayNode",
    "BooleanNode",
    "EnumNode",
    "IntegerNode",
    "JsonType",
    "Node",
    "NullNode",
    "NumberNode",
    "ObjectNode",
    "StringNode",
    "UnionNode",
    "accepted_types",
    "enum_members",
    "json_type_of",
    "null_is_ambiguous",
    "without_null",
]

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class Node:
    pointer: str


@dataclass(frozen=True)
class AnyNode(Node):
    """An empty schema: every JSON value is valid."""


@dataclass(frozen=True)
class NullNode(Node):
    pass


@dataclass(frozen=True)
class BooleanNode(Node):
    pass


@dataclass(frozen=True)
class IntegerNode(Node):
    int32: bool = False


@dataclass(frozen=True)
class NumberNode(Node):
    pass


@dataclass(frozen=True)
class StringNode(Node):
    pattern: str | None = None
    # S6: `format: int32` on the string branch means a base-10 numeric string within int32.
    int32: bool = False


@dataclass(frozen=True)
class EnumNode(Node):
    """The non-null members of an enum; a null member becomes a sibling ``NullNode``."""

    members: tuple[Any, ...]


@dataclass(frozen=True)
class ArrayNode(Node):
    items: Node
    min_items: int = 0
    max_items: int | None = None


@dataclass(frozen=True)
class ObjectNode(Node):
    properties: tuple[tuple[str, Node], ...] = ()
    required: tuple[str, ...] = ()
    # None: the schema says nothing, so extra properties are allowed (C4) but not generated.
    additional: Node | bool | None = None

    @property
    def property_names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.properties)

    def property_node(self, name: str) -> Node | None:
        return next((node for key, node in self.properties if key == name), None)

    def without(self, *names: str) -> ObjectNode:
        """This object with some properties left to the caller (they are then not required)."""
        return replace(
            self,
            properties=tuple((k, n) for k, n in self.properties if k not in names),
            required=tuple(k for k in self.required if k not in names),
        )


@dataclass(frozen=True)
class UnionNode(Node):
    """A type list, ``anyOf`` or ``oneOf`` (``exclusive``: a value must match one branch only)."""

    branches: tuple[Node, ...]
    exclusive: bool = False


def accepted_types(node: Node) -> frozenset[JsonType]:
    """The JSON types of which the node accepts at least one value."""
    match node:
        case AnyNode():
            return frozenset(JSON_TYPES)
        case NullNode():
            return frozenset({"null"})
        case BooleanNode():
            return frozenset({"boolean"})
        case IntegerNode():
            return frozenset({"integer"})
        case NumberNode():
            return frozenset({"integer", "number"})
        case StringNode():
            return frozenset({"string"})
        case EnumNode(members=members):
            return frozenset(json_type_of(member) for member in members)
        case ArrayNode():
            return frozenset({"array"})
        case ObjectNode():
            return frozenset({"object"})
        case UnionNode():
            return _union_types(node)
    raise TypeError(f"unknown node {node!r}")


def _union_types(node: UnionNode) -> frozenset[JsonType]:
    types = frozenset[JsonType]().union(*(accepted_types(b) for b in node.branches))
    if null_is_ambiguous(node):
        return types - {"null"}
    return types


def null_is_ambiguous(node: Node) -> bool:
    """A oneOf where null matches several branches, so 2020-12 rejects null.

    S7's `oneOf: [{type: null}, {$ref: Classification}]` is one: Classification has a null
    member too. Null is then not a valid value, although the spec clearly means it to be.
    """
    if not isinstance(node, UnionNode) or not node.exclusive:
        return False
    return sum("null" in accepted_types(branch) for branch in node.branches) > 1


def without_null(node: Node) -> Node | None:
    """The node minus its null values; None when nothing is left."""
    if isinstance(node, NullNode):
        return None
    if isinstance(node, UnionNode):
        branches = tuple(b for b in map(without_null, node.branches) if b is not None)
        if not branches:
            return None
        return branches[0] if len(branches) == 1 else replace(node, branches=branches)
    return node


def enum_members(node: Node) -> tuple[Any, ...]:
    """Every enum member reachable through the node (through unions and nullable wrappers)."""
    if isinstance(node, EnumNode):
        return node.members
    if isinstance(node, UnionNode):
        return tuple(m for branch in node.branches for m in enum_members(branch))
    return ()
