from typing import Any

import pytest

from strategies import UnsupportedSchemaError, from_schema, schema_node
from strategies.schema_nodes import (
    EnumNode,
    NullNode,
    ObjectNode,
    StringNode,
    UnionNode,
    accepted_types,
)

BAD = "#/components/schemas/Bad"


def _document(bad: Any, **others: Any) -> dict[str, Any]:
    return {"components": {"schemas": {"Bad": bad, **others}}}


@pytest.mark.parametrize(
    ("bad", "others", "message"),
    [
        pytest.param(
            {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}}},
            {},
            f"unsupported schema keyword 'minLength' at {BAD}/properties/name: "
            "the strategies cannot honour it, so they refuse the schema",
            id="unknown-keyword-nested",
        ),
        pytest.param(
            {"allOf": [{"type": "string"}]},
            {},
            f"unsupported schema keyword 'allOf' at {BAD}: "
            "the strategies cannot honour it, so they refuse the schema",
            id="allOf",
        ),
        pytest.param(
            {"type": "string", "format": "date-time"},
            {},
            f"unsupported schema keyword 'format' at {BAD}: format 'date-time' has no generator",
            id="unknown-format",
        ),
        pytest.param(
            {"$ref": "other.yaml#/X"},
            {},
            f"unsupported schema keyword '$ref' at {BAD}: "
            "only references within the document are supported: 'other.yaml#/X'",
            id="external-ref",
        ),
        pytest.param(
            {"$ref": "#/components/schemas/Missing"},
            {},
            f"unsupported schema keyword '$ref' at {BAD}: #/components/schemas/Missing does not "
            "resolve: '/components/schemas/Missing does not exist'",
            id="dangling-ref",
        ),
        pytest.param(
            {"type": "object", "properties": {"child": {"$ref": BAD}}},
            {},
            f"unsupported schema keyword '$ref' at {BAD}/properties/child: "
            f"recursive reference to {BAD}",
            id="recursive-ref",
        ),
        pytest.param(
            {"$ref": "#/components/schemas/Other", "type": "string"},
            {"Other": {"type": "string"}},
            f"unsupported schema keyword 'type' at {BAD}: cannot be combined with $ref",
            id="ref-with-constraint",
        ),
        pytest.param(
            {"oneOf": [{"type": "string"}, {"type": ["null", "string"]}]},
            {},
            f"unsupported schema keyword 'oneOf' at {BAD}/oneOf: branches overlap on type 'string'",
            id="overlapping-oneOf",
        ),
        pytest.param(
            {"type": "integer", "pattern": "^[0-9]+$"},
            {},
            f"unsupported schema keyword 'pattern' at {BAD}: "
            "it constrains none of the declared types ['integer']",
            id="keyword-for-absent-type",
        ),
        pytest.param(
            {"properties": {"a": {"type": "string"}}},
            {},
            f"unsupported schema keyword 'properties' at {BAD}: "
            "a schema without `type` would apply it to one type only",
            id="untyped-properties",
        ),
        pytest.param(
            {"enum": ["a"], "pattern": "a"},
            {},
            f"unsupported schema keyword 'pattern' at {BAD}: cannot be combined with enum",
            id="enum-with-pattern",
        ),
        pytest.param(
            {"type": "string", "enum": [1, 2]},
            {},
            f"unsupported schema keyword 'enum' at {BAD}: no member satisfies the declared type",
            id="enum-outside-type",
        ),
    ],
)
def test_unsupported_schemas_are_refused_with_keyword_and_pointer(
    bad: Any, others: dict[str, Any], message: str
) -> None:
    with pytest.raises(UnsupportedSchemaError) as excinfo:
        from_schema(BAD, root=_document(bad, **others))
    assert str(excinfo.value) == message


def test_error_names_the_pointer_of_a_schema_passed_as_an_object() -> None:
    document = _document({"type": "string", "minLength": 1})
    with pytest.raises(UnsupportedSchemaError) as excinfo:
        from_schema(document["components"]["schemas"]["Bad"], root=document)
    assert (excinfo.value.keyword, excinfo.value.pointer) == ("minLength", BAD)


def test_a_detached_schema_is_named_as_such() -> None:
    with pytest.raises(UnsupportedSchemaError) as excinfo:
        from_schema({"type": "string", "maxLength": 3}, root={})
    assert excinfo.value.pointer == "<given schema>"


def test_annotations_are_not_constraints() -> None:
    schema = {
        "type": "string",
        "title": "t",
        "description": "d",
        "examples": ["x"],
        "example": "x",
        "default": "x",
        "deprecated": False,
    }
    assert schema_node(schema, root={}) == StringNode("<given schema>")


def test_s1_id_is_a_required_non_null_string(document: dict[str, Any]) -> None:
    item = schema_node("#/components/schemas/UpdateIncidentRequest", root=document)
    assert isinstance(item, ObjectNode)
    assert item.required == ("id",)
    id_node = item.property_node("id")
    assert id_node is not None
    assert accepted_types(id_node) == {"string"}


def test_s7_untyped_enum_takes_its_types_from_members(document: dict[str, Any]) -> None:
    node = schema_node("#/components/schemas/Classification", root=document)
    assert isinstance(node, UnionNode)
    assert isinstance(node.branches[0], NullNode)
    assert isinstance(node.branches[1], EnumNode)
    assert accepted_types(node) == {"null", "string"}


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"type": ["string", "null"]}, id="type-list"),
        pytest.param({"anyOf": [{"type": "string"}, {"type": "null"}]}, id="anyOf"),
        pytest.param({"enum": ["a", None]}, id="enum"),
    ],
)
def test_null_is_the_first_branch_so_failures_shrink_to_it(schema: dict[str, Any]) -> None:
    node = schema_node(schema, root={})
    assert isinstance(node, UnionNode)
    assert isinstance(node.branches[0], NullNode)
