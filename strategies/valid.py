"""Valid values for a node tree (positive data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from strategies.formats import int32_integers, int32_strings, matches_pattern, strings_matching
from strategies.json_values import json_values, property_names, texts
from strategies.schema_nodes import (
    AnyNode,
    ArrayNode,
    BooleanNode,
    EnumNode,
    IntegerNode,
    Node,
    NullNode,
    NumberNode,
    ObjectNode,
    StringNode,
    UnionNode,
    accepted_types,
    without_null,
)

__all__ = [
    "DEFAULT_OPTIONS",
    "GenerationOptions",
    "extra_properties",
    "list_bounds",
    "valid_values",
]


@dataclass(frozen=True)
class GenerationOptions:
    """Choices the schema leaves open.

    ``extra_properties``: also send keys the schema does not list (C4 allows them; off by
    default so request bodies carry no unknown keys). ``max_list_size``: a generation bound
    for arrays without ``maxItems`` (not a constraint: S8 leaves the batch size open).
    """

    extra_properties: bool = False
    max_list_size: int | None = None


DEFAULT_OPTIONS = GenerationOptions()


def valid_values(node: Node, options: GenerationOptions | None = None) -> st.SearchStrategy[Any]:
    options = options or DEFAULT_OPTIONS
    match node:
        case AnyNode():
            return json_values()
        case NullNode():
            return st.none()
        case BooleanNode():
            return st.booleans()
        case IntegerNode(int32=int32):
            return int32_integers() if int32 else st.integers()
        case NumberNode():
            return st.integers() | st.floats(allow_nan=False, allow_infinity=False)
        case StringNode():
            return _strings(node)
        case EnumNode(members=members):
            return st.sampled_from(members)
        case ArrayNode():
            return _arrays(node, options)
        case ObjectNode():
            return _objects(node, options)
        case UnionNode():
            finite = _finite_members(node)
            if finite is not None:
                return st.sampled_from(finite)
            return st.one_of([valid_values(b, options) for b in _valid_branches(node)])
    raise TypeError(f"unknown node {node!r}")


def _finite_members(node: Node) -> tuple[Any, ...] | None:
    """Every valid value of a node made of null and enums only; None for any other node.

    Such a union is drawn as one sampled_from: one choice where nested one_ofs take three,
    and null, which ``_nulls_first`` puts first, is still where it shrinks.
    """
    match node:
        case NullNode():
            return (None,)
        case EnumNode(members=members):
            return members
        case UnionNode():
            parts = [_finite_members(branch) for branch in _valid_branches(node)]
            if any(part is None for part in parts):
                return None
            return tuple(dict.fromkeys(m for part in parts if part is not None for m in part))
    return None


def _valid_branches(node: UnionNode) -> list[Node]:
    if not node.exclusive or "null" in accepted_types(node):
        return list(node.branches)
    # oneOf where null matches several branches: null is invalid, the rest stays valid.
    return [b for b in map(without_null, node.branches) if b is not None]


def _strings(node: StringNode) -> st.SearchStrategy[str]:
    pattern = node.pattern
    if node.int32:
        numbers = int32_strings()
        return numbers if pattern is None else numbers.filter(lambda s: matches_pattern(pattern, s))
    return texts() if pattern is None else strings_matching(pattern)


def list_bounds(node: ArrayNode, options: GenerationOptions) -> tuple[int, int | None]:
    upper = node.max_items if node.max_items is not None else options.max_list_size
    if upper is not None:
        upper = max(upper, node.min_items)
    return node.min_items, upper


def _arrays(node: ArrayNode, options: GenerationOptions) -> st.SearchStrategy[list[Any]]:
    low, high = list_bounds(node, options)
    return st.lists(valid_values(node.items, options), min_size=low, max_size=high)


def _objects(node: ObjectNode, options: GenerationOptions) -> st.SearchStrategy[dict[str, Any]]:
    fields = [(name, valid_values(sub, options)) for name, sub in node.properties]
    optional = [field for field in fields if field[0] not in node.required]
    listed = _listed_properties(
        tuple(field for field in fields if field[0] in node.required),
        tuple(
            _presence_group(tuple(optional[start : start + _PRESENCE_BITS]))
            for start in range(0, len(optional), _PRESENCE_BITS)
        ),
    )
    extras = extra_properties(node, options)
    if extras is None:
        return listed
    return st.tuples(listed, extras).map(lambda pair: {**pair[1], **pair[0]})


_Field = tuple[str, st.SearchStrategy[Any]]
_PresenceGroup = tuple[st.SearchStrategy[int], tuple[_Field, ...]]

# Hypothesis draws integers of up to about ten bits uniformly and wider ones biased towards
# small values, which would leave the last optional properties of a large object rare.
_PRESENCE_BITS = 8


def _presence_group(fields: tuple[_Field, ...]) -> _PresenceGroup:
    return st.integers(0, 2 ** len(fields) - 1), fields


@st.composite
def _listed_properties(
    draw: st.DrawFn, required: tuple[_Field, ...], optional: tuple[_PresenceGroup, ...]
) -> dict[str, Any]:
    # A bit per optional property says whether it is present: one choice per eight properties
    # instead of st.fixed_dictionaries' choice per property plus a shuffle of the keys, which
    # were most of a request item's choices. All bits clear shrinks to the plainest object.
    value = {name: draw(values) for name, values in required}
    for presence, fields in optional:
        present = draw(presence)
        for bit, (name, values) in enumerate(fields):
            if present >> bit & 1:
                value[name] = draw(values)
    return value


def extra_properties(
    node: ObjectNode, options: GenerationOptions
) -> st.SearchStrategy[dict[str, Any]] | None:
    """Keys beyond ``properties``: those ``additionalProperties`` describes, or C4 extras."""
    names = node.property_names
    if isinstance(node.additional, Node):
        values = valid_values(node.additional, options)
        keys = texts(max_size=12)
    elif node.additional is not False and options.extra_properties:
        values, keys = json_values(), property_names()
    else:
        return None
    return st.dictionaries(keys.filter(lambda key: key not in names), values, max_size=3)
