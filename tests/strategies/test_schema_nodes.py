from typing import Any

import pytest

from conformance.openapi import load_document
from strategies import schema_node
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
    enum_members,
    null_is_ambiguous,
    without_null,
)

AT = "#/x"
ENUM = EnumNode(AT, ("a", 1))
NULLABLE_ENUM = UnionNode(AT, (NullNode(AT), ENUM))


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        pytest.param(AnyNode(AT), set(JSON_TYPES), id="any"),
        pytest.param(BooleanNode(AT), {"boolean"}, id="boolean"),
        pytest.param(IntegerNode(AT), {"integer"}, id="integer"),
        pytest.param(NumberNode(AT), {"integer", "number"}, id="number-takes-integers"),
        pytest.param(ENUM, {"string", "integer"}, id="enum-from-members"),
        pytest.param(ArrayNode(AT, AnyNode(AT)), {"array"}, id="array"),
        pytest.param(NULLABLE_ENUM, {"null", "string", "integer"}, id="union"),
        pytest.param(
            UnionNode(AT, (NullNode(AT), NULLABLE_ENUM), exclusive=True),
            {"string", "integer"},
            id="oneOf-where-null-is-ambiguous",
        ),
    ],
)
def test_accepted_types(node: Node, expected: set[JsonType]) -> None:
    assert accepted_types(node) == expected


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        pytest.param(NullNode(AT), None, id="null-leaves-nothing"),
        pytest.param(StringNode(AT), StringNode(AT), id="non-null-unchanged"),
        pytest.param(NULLABLE_ENUM, ENUM, id="single-branch-unwrapped"),
        pytest.param(
            UnionNode(AT, (NullNode(AT), StringNode(AT), IntegerNode(AT)), exclusive=True),
            UnionNode(AT, (StringNode(AT), IntegerNode(AT)), exclusive=True),
            id="union-keeps-its-kind",
        ),
        pytest.param(UnionNode(AT, (NullNode(AT),)), None, id="null-only-union"),
    ],
)
def test_without_null(node: Node, expected: Node | None) -> None:
    assert without_null(node) == expected


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        pytest.param(ENUM, ("a", 1), id="enum"),
        pytest.param(NULLABLE_ENUM, ("a", 1), id="through-a-nullable-wrapper"),
        pytest.param(StringNode(AT), (), id="not-an-enum"),
    ],
)
def test_enum_members(node: Node, expected: tuple[Any, ...]) -> None:
    assert enum_members(node) == expected


def test_object_without_leaves_properties_to_the_caller() -> None:
    node = ObjectNode(AT, (("id", StringNode(AT)), ("note", AnyNode(AT))), required=("id", "note"))
    rest = node.without("id")
    assert rest.property_names == {"note"}
    assert rest.required == ("note",)
    assert rest.property_node("id") is None
    assert node.property_node("id") == StringNode(AT)


@pytest.mark.parametrize(
    ("field", "ambiguous"),
    [
        pytest.param("status", False, id="status-enum-without-null"),
        pytest.param("classification", True, id="classification-enum-with-null"),
        pytest.param("classificationReason", True, id="reason-enum-with-null"),
    ],
)
def test_vendored_oneof_null_is_ambiguous_when_the_enum_has_null_too(
    field: str, ambiguous: bool
) -> None:
    # The uncorrected S7 shape: 2020-12 rejects a null that matches both oneOf branches.
    node = _item_field(load_document(), field)
    assert null_is_ambiguous(node) is ambiguous
    assert ("null" in accepted_types(node)) is not ambiguous


@pytest.mark.parametrize("field", ["status", "classification", "classificationReason"])
def test_corrected_nullable_enums_accept_null(document: dict[str, Any], field: str) -> None:
    node = _item_field(document, field)
    assert not null_is_ambiguous(node)
    assert accepted_types(node) == {"null", "string"}


def _item_field(document: dict[str, Any], field: str) -> Node:
    item = schema_node("#/components/schemas/UpdateIncidentRequest", root=document)
    assert isinstance(item, ObjectNode)
    node = item.property_node(field)
    assert node is not None
    return node
