import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from support.schema_validators import Validator

from conformance.sandbox import Incident, Sandbox, is_reserved_id, unsafe_ids
from strategies import (
    BulkUpdateExample,
    Violation,
    ViolationKind,
    bulk_update_requests,
    invalid_bulk_update_requests,
    is_documented_pair,
)

BULK = "#/components/schemas/BulkUpdateIncidentsRequest"
SANDBOX = Sandbox(
    writable=(Incident("inc-w1", "ws-alpha"), Incident("inc-w2", "ws-beta")),
    foreign=(Incident("inc-f1", "ws-foreign"),),
)
CAP = 5
FIND = settings(
    max_examples=2000,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
SHRINK = settings(FIND, phases=[Phase.generate, Phase.shrink])


def _ids(example: BulkUpdateExample) -> list[str]:
    return [item["id"] for item in example.items]


def _hint_of(item: dict[str, Any]) -> object:
    return item.get("workspace")


def _wrong_hint(example: BulkUpdateExample) -> bool:
    return any(
        SANDBOX.is_writable(item["id"])
        and _hint_of(item) not in (None, SANDBOX.workspace_of(item["id"]))
        for item in example.items
    )


def _comments(example: BulkUpdateExample) -> list[str]:
    return [item["comment"] for item in example.items if isinstance(item.get("comment"), str)]


@settings(max_examples=150)
@given(bulk_update_requests(SANDBOX, max_items=CAP))
def test_requests_are_valid_safe_and_bounded(example: BulkUpdateExample) -> None:
    assert len(example.items) <= CAP
    assert all(SANDBOX.allows_write_to(incident_id) for incident_id in _ids(example))
    assert not list(unsafe_ids(SANDBOX, _encoded(example.body)))


@settings(max_examples=100)
@given(example=bulk_update_requests(SANDBOX, max_items=CAP))
def test_bodies_validate_against_the_request_schema(
    example: BulkUpdateExample, validator: Validator
) -> None:
    assert list(validator(BULK).iter_errors(example.body)) == []


@settings(max_examples=150)
@given(bulk_update_requests(SANDBOX, max_items=CAP))
def test_expected_outcomes_follow_the_sandbox(example: BulkUpdateExample) -> None:
    # Restated from C20 rather than from expected_outcomes(), so the two can disagree.
    assert set(example.expected) == set(_ids(example))
    for incident_id, outcome in example.expected.items():
        hints = {_hint_of(item) for item in example.items if item["id"] == incident_id}
        own = SANDBOX.workspace_of(incident_id)
        right = {hint in (None, own) for hint in hints}
        if not SANDBOX.is_writable(incident_id):
            assert outcome == "forbidden"
        elif right == {True}:
            assert outcome == "accepted"
        elif right == {False}:
            assert outcome == "forbidden"
        else:
            assert outcome is None


REACHABLE: list[tuple[str, Callable[[BulkUpdateExample], bool]]] = [
    ("empty-batch", lambda e: e.body == {"items": []}),
    ("the-cap", lambda e: len(e.items) == CAP),
    ("duplicate-id", lambda e: len(set(_ids(e))) < len(_ids(e))),
    ("undecided-duplicate", lambda e: None in e.expected.values()),
    ("writable", lambda e: "accepted" in e.expected.values()),
    ("mixed-outcomes", lambda e: {"accepted", "forbidden"} <= set(e.expected.values())),
    ("foreign", lambda e: "inc-f1" in _ids(e)),
    ("unknown", lambda e: any(is_reserved_id(i) for i in _ids(e))),
    ("wrong-hint", _wrong_hint),
    ("right-hint", lambda e: any(i.get("workspace") == "ws-alpha" for i in e.items)),
    ("null-hint", lambda e: any("workspace" in i and i["workspace"] is None for i in e.items)),
    ("absent-hint", lambda e: any("workspace" not in i for i in e.items)),
    ("long-comment", lambda e: any(len(c) > 1000 for c in _comments(e))),
    ("non-ascii-comment", lambda e: any(c and not c.isascii() for c in _comments(e))),
    (
        "matched-pair",
        lambda e: any(
            is_documented_pair(i.get("classification"), i.get("classificationReason"))
            for i in e.items
        ),
    ),
    (
        "mismatched-pair",
        lambda e: any(
            "classification" in i
            and not is_documented_pair(i["classification"], i.get("classificationReason"))
            for i in e.items
        ),
    ),
    (
        "classification-without-reason",
        lambda e: any("classification" in i and "classificationReason" not in i for i in e.items),
    ),
]


@pytest.mark.parametrize(("label", "predicate"), [pytest.param(*r, id=r[0]) for r in REACHABLE])
def test_the_interesting_requests_are_reachable(
    label: str, predicate: Callable[[BulkUpdateExample], bool]
) -> None:
    assert predicate(find(bulk_update_requests(SANDBOX, max_items=CAP), predicate, settings=FIND))


def test_a_failing_request_shrinks_to_one_plain_accepted_update() -> None:
    found = find(
        bulk_update_requests(SANDBOX, max_items=CAP), lambda e: bool(e.items), settings=SHRINK
    )
    assert found == BulkUpdateExample({"items": [{"id": "inc-w1"}]}, {"inc-w1": "accepted"})


def test_unknown_ids_shrink_and_replay_deterministically() -> None:
    def shrunk() -> BulkUpdateExample:
        return find(
            bulk_update_requests(SANDBOX, max_items=CAP),
            lambda e: any(is_reserved_id(i) for i in _ids(e)),
            settings=settings(SHRINK, derandomize=True),
        )

    found = shrunk()
    [reserved] = _ids(found)
    assert is_reserved_id(reserved)
    assert found == BulkUpdateExample({"items": [{"id": reserved}]}, {reserved: "forbidden"})
    assert shrunk() == found
    # Each id's bits are a choice of their own, so they shrink to zero as well.
    assert reserved == "cfct-00000000-0000-4000-8000-000000000000"


@settings(max_examples=150)
@given(bulk_update_requests(SANDBOX, max_items=CAP))
def test_reserved_ids_and_workspaces_are_version_4_uuids(example: BulkUpdateExample) -> None:
    hints = [item.get("workspace") for item in example.items]
    # Odd reserved ids (strategies.id_shapes) are built around a uuid4 but are not one.
    ids = _ids(example) if example.vouched else []
    for value in [*ids, *hints]:
        if isinstance(value, str) and value.startswith("cfct-"):
            assert uuid.UUID(value.removeprefix("cfct-")).version == 4, value


@settings(max_examples=50)
@given(bulk_update_requests(Sandbox(), max_items=CAP))
def test_an_empty_sandbox_sends_reserved_ids_only(example: BulkUpdateExample) -> None:
    assert all(is_reserved_id(incident_id) for incident_id in _ids(example))
    assert set(example.expected.values()) <= {"forbidden"}


@settings(max_examples=120)
@given(labelled=invalid_bulk_update_requests(SANDBOX, max_items=CAP))
def test_invalid_requests_fail_at_their_label_with_safe_ids(
    labelled: tuple[Any, Violation], validator: Validator
) -> None:
    body, violation = labelled
    where = {tuple(error.absolute_path) for error in validator(BULK).iter_errors(body)}
    assert where == {violation.reported_at}, violation
    assert not list(unsafe_ids(SANDBOX, _encoded(body)))
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        assert len(body["items"]) <= CAP


def test_invalid_requests_reach_a_null_id_among_sandbox_ids() -> None:
    def null_id_after_a_real_one(labelled: tuple[Any, Violation]) -> bool:
        _body, violation = labelled
        return (violation.kind, violation.path) == (ViolationKind.NULL_NOT_ALLOWED, "items[1].id")

    body, _violation = find(
        invalid_bulk_update_requests(SANDBOX, max_items=CAP),
        null_id_after_a_real_one,
        settings=SHRINK,
    )
    first, second = body["items"]
    assert second == {"id": None}
    assert set(first) == {"id"}
    assert SANDBOX.allows_write_to(first["id"])


def _encoded(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()
