"""Invalid values for a node tree (negative data), each breaking exactly one constraint.

Every strategy here yields ``(value, Violation)``. Everything around the broken spot is drawn
from ``valid_values`` on the same tree, so a value is wrong in one place only and the label
says where.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from operator import itemgetter
from typing import Any

from hypothesis import strategies as st

from strategies.formats import matches_pattern, out_of_range_int32, strings_not_matching
from strategies.json_values import json_values, property_names, texts, values_of_type
from strategies.schema_nodes import (
    JSON_TYPES,
    ArrayNode,
    EnumNode,
    IntegerNode,
    JsonType,
    Node,
    ObjectNode,
    StringNode,
    UnionNode,
    accepted_types,
    json_type_of,
    null_is_ambiguous,
)
from strategies.valid import DEFAULT_OPTIONS, GenerationOptions, list_bounds, valid_values
from strategies.violations import Violation, ViolationKind

__all__ = ["Labelled", "invalid_values", "near_misses"]

Labelled = tuple[Any, Violation]
# A way to break a node, and the JSON types of the values it produces.
_Breaker = tuple[frozenset[JsonType], st.SearchStrategy[Labelled]]
# How much more often a violation inside a container is drawn than one of the container
# itself: the interesting 400s (`items[2].classification`) sit deep in the body.
NESTED_WEIGHT = 3
# Strings a lenient binder reads as booleans.
BOOLEAN_LOOKALIKES = ("true", "false", "True", "FALSE", "1", "0")


def _group(strategy: st.SearchStrategy[Labelled]) -> st.SearchStrategy[Labelled]:
    """One choice, however many alternatives it holds; a fresh object each call.

    ``one_of`` flattens nested ``one_of``s (also through ``map``) and drops a branch it has
    already seen, which would undo both grouping and weighting.
    """
    return st.tuples(strategy).map(itemgetter(0))


def invalid_values(
    node: Node, options: GenerationOptions = DEFAULT_OPTIONS
) -> st.SearchStrategy[Labelled] | None:
    """Values the node rejects, labelled; None when the node accepts every JSON value."""
    candidates = [*_type_breakers(node), *(s for _, s in _own_breakers(node, options))]
    return st.one_of(candidates) if candidates else None


def _labelled(
    values: st.SearchStrategy[Any], kind: ViolationKind, detail: Callable[[Any], str]
) -> st.SearchStrategy[Labelled]:
    return values.map(lambda value: (value, Violation(kind, (), detail(value))))


def _type_breakers(node: Node) -> list[st.SearchStrategy[Labelled]]:
    allowed = accepted_types(node)
    shown = ", ".join(t for t in JSON_TYPES if t in allowed)
    breakers = []
    # A null that oneOf rejects only for matching twice (S7) is a spec defect, not a rule a
    # server enforces: sending it as negative data would expect a 400 nobody means.
    if "null" not in allowed and not null_is_ambiguous(node):
        breakers.append(
            _labelled(
                st.none(),
                ViolationKind.NULL_NOT_ALLOWED,
                lambda _: f"null where only {shown} is allowed",
            )
        )
    wrong = [t for t in JSON_TYPES if t not in allowed and t != "null"]
    if "boolean" in allowed and "string" not in allowed:
        # A lenient binder reads these strings as booleans (C11).
        breakers.append(
            _labelled(
                st.sampled_from(BOOLEAN_LOOKALIKES),
                ViolationKind.WRONG_TYPE,
                lambda value: f"the string {value!r} where only {shown} is allowed",
            )
        )
    if wrong:
        # One choice for all wrong types: deeper violations then get a fair share of draws.
        wrong_values = st.one_of([values_of_type(t) for t in wrong])
        breakers.append(
            _group(
                _labelled(
                    wrong_values,
                    ViolationKind.WRONG_TYPE,
                    lambda value: f"{json_type_of(value)} where only {shown} is allowed",
                )
            )
        )
    return breakers


def _own_breakers(node: Node, options: GenerationOptions) -> list[_Breaker]:
    """Violations of the node's own constraints (values of a type the node accepts)."""
    match node:
        case EnumNode():
            return _enum_breakers(node)
        case StringNode():
            return _string_breakers(node)
        case IntegerNode(int32=True):
            return [
                (
                    frozenset({"integer"}),
                    _labelled(out_of_range_int32(), ViolationKind.OUT_OF_RANGE, _not_int32),
                )
            ]
        case ArrayNode():
            return _array_breakers(node, options)
        case ObjectNode():
            return _object_breakers(node, options)
        case UnionNode():
            return _union_breakers(node, options)
    return []


def _not_int32(value: Any) -> str:
    return f"{value} is outside int32"


def near_misses(members: tuple[Any, ...]) -> list[str]:
    """Strings a careless client sends for a member: `closed`, `Closed `, `CLOSED`..."""
    strings = [m for m in members if isinstance(m, str)]
    variants = (
        variant
        for m in strings
        for variant in (m.lower(), f"{m} ", f" {m}", m.upper(), m.swapcase(), m[:-1], "")
    )
    return [v for v in dict.fromkeys(variants) if v not in members]


def _enum_breakers(node: EnumNode) -> list[_Breaker]:
    members = node.members
    breakers: list[_Breaker] = []

    def detail(value: Any) -> str:
        return f"{value!r} is not a member of {node.pointer}"

    strings = [m for m in members if isinstance(m, str)]
    if strings:
        unknown = st.sampled_from(near_misses(members)) | texts(max_size=20).filter(
            lambda s: s not in members
        )
        breakers.append(
            (frozenset({"string"}), _labelled(unknown, ViolationKind.UNKNOWN_ENUM, detail))
        )
    if strings and not any(json_type_of(m) in ("integer", "number") for m in members):
        # .NET's JsonStringEnumConverter, by default, binds a member's index given as an
        # integer or a numeric string: a lenient server takes `2` for the third member.
        indexes = st.integers(0, len(strings) - 1)
        breakers.append(
            (
                frozenset({"integer"}),
                _labelled(indexes, ViolationKind.WRONG_TYPE, partial(_index_detail, strings)),
            )
        )
        breakers.append(
            (
                frozenset({"string"}),
                _labelled(
                    indexes.map(str), ViolationKind.UNKNOWN_ENUM, partial(_index_detail, strings)
                ),
            )
        )
    if any(json_type_of(m) == "integer" for m in members):
        others = st.integers().filter(lambda i: i not in members)
        breakers.append(
            (frozenset({"integer"}), _labelled(others, ViolationKind.UNKNOWN_ENUM, detail))
        )
    return breakers


def _index_detail(strings: list[str], value: Any) -> str:
    return f"{value!r} is not a member, but a lenient binder reads it as {strings[int(value)]!r}"


def _string_breakers(node: StringNode) -> list[_Breaker]:
    strings = frozenset[JsonType]({"string"})
    pattern = node.pattern
    breakers: list[_Breaker] = []
    if pattern is not None:
        breakers.append(
            (
                strings,
                _labelled(
                    strings_not_matching(pattern),
                    ViolationKind.PATTERN_MISMATCH,
                    lambda value: f"{value!r} does not match {pattern}",
                ),
            )
        )
    if node.int32:
        numeric = out_of_range_int32().map(str)
        if pattern is not None:
            numeric = numeric.filter(lambda s: matches_pattern(pattern, s))
        breakers.append((strings, _labelled(numeric, ViolationKind.OUT_OF_RANGE, _not_int32)))
    return breakers


def _array_breakers(node: ArrayNode, options: GenerationOptions) -> list[_Breaker]:
    arrays = frozenset[JsonType]({"array"})
    low, high = list_bounds(node, options)
    valid_item = valid_values(node.items, options)
    breakers: list[_Breaker] = []
    bad_item = invalid_values(node.items, options)
    if bad_item is not None and high != 0:
        nested = _with_bad_item(valid_item, bad_item, low, high)
        breakers += [(arrays, _group(nested)) for _ in range(NESTED_WEIGHT)]
    if low > 0:
        few = st.lists(valid_item, max_size=low - 1)
        breakers.append(
            (
                arrays,
                _labelled(few, ViolationKind.TOO_FEW_ITEMS, lambda v: f"{len(v)} < minItems {low}"),
            )
        )
    if node.max_items is not None:
        most = node.max_items
        many = st.lists(valid_item, min_size=most + 1, max_size=most + 3)
        breakers.append(
            (
                arrays,
                _labelled(
                    many, ViolationKind.TOO_MANY_ITEMS, lambda v: f"{len(v)} > maxItems {most}"
                ),
            )
        )
    return breakers


@st.composite
def _with_bad_item(
    draw: st.DrawFn,
    valid_item: st.SearchStrategy[Any],
    bad_item: st.SearchStrategy[Labelled],
    low: int,
    high: int | None,
) -> Labelled:
    items = draw(
        st.lists(valid_item, min_size=max(low - 1, 0), max_size=None if high is None else high - 1)
    )
    index = draw(st.integers(0, len(items)))
    value, violation = draw(bad_item)
    items.insert(index, value)
    return items, violation.within(index)


def _object_breakers(node: ObjectNode, options: GenerationOptions) -> list[_Breaker]:
    # Grouped like the type breakers: a missing field, a broken field, a broken extra key.
    missing = [
        valid_values(node.without(name), options).map(partial(_missing, name=name))
        for name in node.required
    ]
    broken = []
    for name, sub in node.properties:
        bad = invalid_values(sub, options)
        if bad is not None:
            rest = valid_values(node.without(name), options)
            broken.append(st.tuples(rest, bad).map(partial(_placed_pair, name=name)))
    extra = _extra_breaker(node, options)
    groups = [_group(st.one_of(missing))] if missing else []
    if broken:
        groups += [_group(st.one_of(broken)) for _ in range(NESTED_WEIGHT)]
    if extra is not None:
        groups.append(extra)
    return [(frozenset({"object"}), group) for group in groups]


def _missing(obj: dict[str, Any], name: str) -> Labelled:
    # Extra properties may have reused the name; the field must really be absent.
    obj = {key: value for key, value in obj.items() if key != name}
    return obj, Violation(
        ViolationKind.MISSING_REQUIRED, (name,), f"required property {name!r} is missing"
    )


def _placed_pair(pair: tuple[dict[str, Any], Labelled], name: str) -> Labelled:
    return _placed(pair[0], pair[1], name)


def _placed(obj: dict[str, Any], labelled: Labelled, name: str) -> Labelled:
    value, violation = labelled
    return {**obj, name: value}, violation.within(name)


def _extra_breaker(
    node: ObjectNode, options: GenerationOptions
) -> st.SearchStrategy[Labelled] | None:
    names = node.property_names
    keys = property_names().filter(lambda key: key not in names)
    if isinstance(node.additional, Node):
        bad = invalid_values(node.additional, options)
        if bad is None:
            return None
        return st.tuples(valid_values(node, options), keys, bad).map(
            lambda t: _placed(t[0], t[2], t[1])
        )
    if node.additional is False:
        unexpected = Violation(
            ViolationKind.UNEXPECTED_PROPERTY, (), "additionalProperties is false"
        )
        return st.tuples(valid_values(node, options), keys, json_values()).map(
            lambda t: _placed(t[0], (t[2], unexpected), t[1])
        )
    return None


def _union_breakers(node: UnionNode, options: GenerationOptions) -> list[_Breaker]:
    # A branch's own violation only counts when no other branch accepts values of its type,
    # otherwise that other branch might accept the value.
    breakers: list[_Breaker] = []
    for index, branch in enumerate(node.branches):
        others = frozenset[JsonType]().union(
            *(accepted_types(b) for i, b in enumerate(node.branches) if i != index)
        )
        breakers += [
            (types, s) for types, s in _own_breakers(branch, options) if not types & others
        ]
    return breakers
