from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis.errors import NoSuchExample
from support.schema_validators import Validator

from conformance.openapi import corrected_document, load_document
from strategies import Violation, ViolationKind, invalid_examples
from strategies.invalid import near_misses

SCHEMAS = [
    name
    for name, schema in corrected_document()["components"]["schemas"].items()
    if schema != {}  # every component constrains something
]
BULK = "#/components/schemas/BulkUpdateIncidentsRequest"
ITEM = "#/components/schemas/UpdateIncidentRequest"
PROBLEM = "#/components/schemas/ApiProblemDetails"
FIND = settings(
    max_examples=3000,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
SHRINK = settings(FIND, phases=[Phase.generate, Phase.shrink])


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_invalid_value_fails_exactly_at_its_label(
    name: str, document: dict[str, Any], validator: Validator
) -> None:
    ref = f"#/components/schemas/{name}"
    check = validator(ref)

    @settings(max_examples=80)
    @given(invalid_examples(ref, root=document))
    def fails_at_label(labelled: tuple[Any, Violation]) -> None:
        value, violation = labelled
        where = {tuple(error.absolute_path) for error in check.iter_errors(value)}
        assert where == {violation.reported_at}, violation

    fails_at_label()


@pytest.mark.parametrize(
    ("ref", "path", "kind"),
    [
        pytest.param(BULK, "", ViolationKind.WRONG_TYPE, id="body-not-an-object"),
        pytest.param(BULK, "", ViolationKind.NULL_NOT_ALLOWED, id="body-null"),
        pytest.param(BULK, "items", ViolationKind.WRONG_TYPE, id="items-not-a-list"),
        pytest.param(BULK, "items[0].id", ViolationKind.NULL_NOT_ALLOWED, id="s1-null-id"),
        pytest.param(BULK, "items[0].id", ViolationKind.MISSING_REQUIRED, id="missing-id"),
        pytest.param(BULK, "items[0].id", ViolationKind.WRONG_TYPE, id="id-not-a-string"),
        pytest.param(BULK, "items[1].status", ViolationKind.UNKNOWN_ENUM, id="status-unknown"),
        pytest.param(ITEM, "classification", ViolationKind.UNKNOWN_ENUM, id="class"),
        pytest.param(ITEM, "removeAssignee", ViolationKind.NULL_NOT_ALLOWED, id="bool"),
        pytest.param(ITEM, "incidentSource", ViolationKind.NULL_NOT_ALLOWED, id="source"),
        pytest.param(ITEM, "user.email", ViolationKind.WRONG_TYPE, id="nested-user"),
        pytest.param(PROBLEM, "status", ViolationKind.OUT_OF_RANGE, id="s6-out-of-range"),
        pytest.param(PROBLEM, "status", ViolationKind.PATTERN_MISMATCH, id="s6-not-numeric"),
        pytest.param(PROBLEM, "errors", ViolationKind.WRONG_TYPE, id="errors-not-a-map"),
    ],
)
def test_every_kind_of_violation_is_reachable(
    ref: str, path: str, kind: ViolationKind, document: dict[str, Any]
) -> None:
    _value, violation = find(
        invalid_examples(ref, root=document, max_list_size=3),
        lambda labelled: (labelled[1].path, labelled[1].kind) == (path, kind),
        settings=FIND,
    )
    assert (violation.path, violation.kind) == (path, kind)


def test_additional_properties_values_are_broken_under_their_key(
    document: dict[str, Any],
) -> None:
    value, violation = find(
        invalid_examples(PROBLEM, root=document),
        lambda labelled: labelled[1].location[:1] == ("errors",) and len(labelled[1].location) == 3,
        settings=SHRINK,
    )
    assert violation == Violation(
        ViolationKind.NULL_NOT_ALLOWED, ("errors", "a", 0), "null where only string is allowed"
    )
    assert value["errors"] == {"a": [None]}


@pytest.mark.parametrize("near_miss", ["closed", "Closed ", " Closed", "CLOSED", "Close"])
def test_status_near_misses_are_sent(near_miss: str, document: dict[str, Any]) -> None:
    _value, violation = find(
        invalid_examples("#/components/schemas/Status", root=document),
        lambda labelled: labelled[0] == near_miss,
        settings=FIND,
    )
    assert violation == Violation(
        ViolationKind.UNKNOWN_ENUM,
        (),
        f"{near_miss!r} is not a member of #/components/schemas/Status",
    )


@pytest.mark.parametrize(
    ("sent", "kind"),
    [
        pytest.param(0, ViolationKind.WRONG_TYPE, id="first-index"),
        pytest.param(2, ViolationKind.WRONG_TYPE, id="last-index"),
        pytest.param("0", ViolationKind.UNKNOWN_ENUM, id="first-index-as-text"),
        pytest.param("2", ViolationKind.UNKNOWN_ENUM, id="last-index-as-text"),
    ],
)
def test_member_indexes_a_lenient_binder_accepts_are_sent(
    sent: object, kind: ViolationKind, document: dict[str, Any]
) -> None:
    members = ["Active", "New", "Closed"]
    _value, violation = find(
        invalid_examples("#/components/schemas/Status", root=document),
        lambda labelled: labelled[0] == sent and type(labelled[0]) is type(sent),
        settings=FIND,
    )
    assert violation == Violation(
        kind,
        (),
        f"{sent!r} is not a member, but a lenient binder reads it as {members[int(sent)]!r}",
    )


@pytest.mark.parametrize("sent", ["true", "false", "True", "FALSE", "1", "0"])
def test_boolean_lookalike_strings_are_sent(sent: str, document: dict[str, Any]) -> None:
    item = document["components"]["schemas"]["UpdateIncidentRequest"]
    _value, violation = find(
        invalid_examples(item["properties"]["removeAssignee"], root=document),
        lambda labelled: labelled[0] == sent,
        settings=FIND,
    )
    assert violation == Violation(
        ViolationKind.WRONG_TYPE, (), f"the string {sent!r} where only boolean is allowed"
    )


def test_near_misses_vary_case_whitespace_and_length() -> None:
    assert near_misses(("Closed", "New")) == [
        "closed",
        "Closed ",
        " Closed",
        "CLOSED",
        "cLOSED",
        "Close",
        "",
        "new",
        "New ",
        " New",
        "NEW",
        "nEW",
        "Ne",
    ]


def test_an_ambiguous_oneof_null_is_never_sent_as_negative_data() -> None:
    # Uncorrected S7: null for `classification` matches both oneOf branches. 2020-12 rejects
    # it, but the spec means it as allowed, so expecting a 400 for it would be a false failure.
    field = f"{ITEM}/properties/classification"
    with pytest.raises(NoSuchExample):
        find(
            invalid_examples(field, root=load_document()),
            lambda lv: lv[0] is None,
            settings=settings(FIND, max_examples=300),
        )


def test_a_deep_violation_shrinks_to_a_minimal_request(document: dict[str, Any]) -> None:
    found = find(
        invalid_examples(BULK, root=document, max_list_size=3),
        lambda labelled: labelled[1].path == "items[2].classification",
        settings=SHRINK,
    )
    body, violation = found
    # The two items before the broken one shrink to their minimum; the broken item keeps
    # only what it needs (which wrong value wins depends on the shrinker's path).
    assert body["items"][:2] == [{"id": ""}, {"id": ""}]
    assert set(body["items"][2]) == {"id", "classification"}
    assert violation.location == ("items", 2, "classification")
