from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from support.schema_validators import Validator, make_validator

from conformance.openapi import corrected_document, load_document
from strategies import NoInvalidValueError, from_schema, schema_node
from strategies.schema_nodes import ObjectNode, enum_members

SCHEMAS = sorted(corrected_document()["components"]["schemas"])
ITEM = "#/components/schemas/UpdateIncidentRequest"
PROBLEM = "#/components/schemas/ApiProblemDetails"
# Reachability needs no shrinking (the slow part); SHRINK is for tests about minimal examples.
FIND = settings(
    max_examples=2000,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
SHRINK = settings(FIND, phases=[Phase.generate, Phase.shrink])


def _ref(name: str) -> str:
    return f"#/components/schemas/{name}"


def _enum_fields() -> list[tuple[str, str, Any]]:
    """(schema, field, member) for every enum member the spec offers in an object field."""
    document = corrected_document()
    cases = []
    for name in SCHEMAS:
        node = schema_node(_ref(name), root=document)
        if isinstance(node, ObjectNode):
            for field, sub in node.properties:
                cases += [(name, field, member) for member in enum_members(sub)]
    return cases


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_valid_value_validates(
    name: str, document: dict[str, Any], validator: Validator
) -> None:
    check = validator(_ref(name))

    @settings(max_examples=60)
    @given(from_schema(_ref(name), root=document))
    def validates(value: Any) -> None:
        assert list(check.iter_errors(value)) == []

    validates()


def _optional_fields() -> list[tuple[str, str]]:
    """(schema, field) for every property an object schema of the spec leaves optional."""
    document = corrected_document()
    cases = []
    for name in SCHEMAS:
        node = schema_node(_ref(name), root=document)
        if isinstance(node, ObjectNode):
            cases += [(name, field) for field, _ in node.properties if field not in node.required]
    return cases


@pytest.mark.parametrize(
    ("name", "field"),
    [pytest.param(*case, id=f"{case[0]}.{case[1]}") for case in _optional_fields()],
)
def test_every_optional_property_is_reachable(
    name: str, field: str, document: dict[str, Any]
) -> None:
    # Presence is drawn as bits, eight properties per draw: ApiProblemDetails' ninth and
    # tenth properties come from a second draw and must not be starved by the first.
    found = find(from_schema(_ref(name), root=document), lambda v: field in v, settings=FIND)
    assert field in found


@pytest.mark.parametrize(
    ("name", "field", "member"),
    [pytest.param(*case, id=f"{case[0]}.{case[1]}={case[2]}") for case in _enum_fields()],
)
def test_every_enum_member_is_reachable(
    name: str, field: str, member: Any, document: dict[str, Any]
) -> None:
    # The field's own schema inside the object: the object draws its fields from the same
    # strategies, and the smaller search keeps 40-odd finds fast.
    field_schema = f"{_ref(name)}/properties/{field}"
    found = find(from_schema(field_schema, root=document), lambda v: v == member, settings=FIND)
    assert found == member


@pytest.mark.parametrize(
    ("ref", "field"),
    [
        pytest.param(ITEM, "status", id="oneOf-null-status"),
        pytest.param(ITEM, "workspace", id="type-list-workspace"),
        pytest.param(ITEM, "comment", id="type-list-comment"),
        pytest.param(ITEM, "classification", id="s7-corrected-classification"),
        pytest.param(ITEM, "classificationReason", id="s7-corrected-reason"),
        pytest.param(PROBLEM, "status", id="s6-status"),
        pytest.param(PROBLEM, "errors", id="nullable-map"),
    ],
)
def test_null_is_reachable_where_the_schema_allows_it(
    ref: str, field: str, document: dict[str, Any]
) -> None:
    found = find(
        from_schema(ref, root=document), lambda v: field in v and v[field] is None, settings=FIND
    )
    assert found[field] is None


@pytest.mark.parametrize("name", ["Classification", "ClassificationReason"])
def test_an_untyped_enum_reaches_null_and_shrinks_to_it(
    name: str, document: dict[str, Any]
) -> None:
    assert find(from_schema(_ref(name), root=document), lambda _: True, settings=SHRINK) is None


@settings(max_examples=100)
@given(from_schema(PROBLEM, root=corrected_document()).filter(lambda v: "status" in v))
def test_s6_status_stays_int32_and_never_a_float(problem: dict[str, Any]) -> None:
    status = problem["status"]
    if isinstance(status, str):
        assert -(2**31) <= int(status) < 2**31
        assert status == str(int(status))
    elif status is not None:
        assert type(status) is int
        assert -(2**31) <= status < 2**31


@pytest.mark.parametrize(
    ("branch", "predicate"),
    [
        # Beyond a 16-bit range: the integer branch is not stuck on small values.
        pytest.param("integer", lambda s: type(s) is int and s > 2**16, id="large-int"),
        pytest.param(
            "string", lambda s: isinstance(s, str) and s.startswith("-"), id="negative-string"
        ),
    ],
)
def test_s6_both_branches_are_reachable(
    branch: str, predicate: Any, document: dict[str, Any]
) -> None:
    found = find(
        from_schema(PROBLEM, root=document), lambda v: predicate(v.get("status")), settings=SHRINK
    )
    # Reachability is the point; how far shrinking gets on a loaded machine is not.
    assert predicate(found["status"])
    assert isinstance(found["status"], int if branch == "integer" else str)


def test_errors_map_values_follow_additional_properties(document: dict[str, Any]) -> None:
    found = find(
        from_schema(PROBLEM, root=document),
        lambda v: bool(v.get("errors")) and any(v["errors"].values()),
        settings=SHRINK,
    )
    assert found["errors"] == {"": [""]}


def test_request_bodies_carry_no_unknown_keys_by_default(document: dict[str, Any]) -> None:
    item = schema_node(ITEM, root=document)
    assert isinstance(item, ObjectNode)

    @settings(max_examples=60)
    @given(from_schema(ITEM, root=document))
    def only_listed(value: dict[str, Any]) -> None:
        assert set(value) <= item.property_names

    only_listed()


def test_extra_properties_can_be_asked_for(document: dict[str, Any], validator: Validator) -> None:
    item = schema_node(ITEM, root=document)
    assert isinstance(item, ObjectNode)
    found = find(
        from_schema(ITEM, root=document, extra_properties=True),
        lambda v: bool(set(v) - item.property_names),
        settings=FIND,
    )
    assert list(validator(ITEM).iter_errors(found)) == []


def test_max_list_size_bounds_unbounded_arrays(document: dict[str, Any]) -> None:
    @settings(max_examples=60)
    @given(from_schema(_ref("BulkUpdateIncidentsRequest"), root=document, max_list_size=3))
    def bounded(value: dict[str, Any]) -> None:
        assert len(value.get("items") or []) <= 3

    bounded()


def test_an_always_valid_schema_has_no_invalid_values() -> None:
    with pytest.raises(NoInvalidValueError) as excinfo:
        from_schema({}, root={}, valid=False)
    assert str(excinfo.value) == (
        "the schema at <given schema> accepts every JSON value: no invalid value exists"
    )


def test_shrinks_a_request_to_its_minimal_form(document: dict[str, Any]) -> None:
    found = find(
        from_schema(_ref("BulkUpdateIncidentsRequest"), root=document),
        lambda v: bool(v.get("items")),
        settings=SHRINK,
    )
    assert found == {"items": [{"id": ""}]}


def _vendor_update(document: dict[str, Any]) -> dict[str, Any]:
    """The vendor adds IncidentSource 'Elastic' and drops 'SentinelOne'."""
    members = document["components"]["schemas"]["IncidentSource"]["enum"]
    members.append("Elastic")
    members.remove("SentinelOne")
    return corrected_document(document)


def test_the_walker_follows_an_enum_change_in_the_spec() -> None:
    changed = _vendor_update(load_document())
    strategy = from_schema(ITEM, root=changed)
    found = find(strategy, lambda v: v.get("incidentSource") == "Elastic", settings=FIND)
    assert found["incidentSource"] == "Elastic"
    check = make_validator(changed, ITEM)

    @settings(max_examples=100)
    @given(strategy)
    def never_the_dropped_member(value: dict[str, Any]) -> None:
        assert value.get("incidentSource") != "SentinelOne"
        assert list(check.iter_errors(value)) == []

    never_the_dropped_member()


def test_invalid_mode_follows_an_enum_change_in_the_spec() -> None:
    changed = _vendor_update(load_document())
    source = "#/components/schemas/IncidentSource"
    near_miss = find(
        from_schema(source, root=changed, valid=False), lambda v: v == "elastic", settings=FIND
    )
    assert list(make_validator(changed, source).iter_errors(near_miss)) != []
