"""The schemathesis hooks: whole floats back to ints, int32 strings, corrections on load."""

import copy
import importlib
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

from conformance.openapi import BULK_UPDATE_PATH, PatchError, corrected_document, load_document

HOOKS_MODULE = "conformance.adapters.schemathesis_hooks"
GENERATE = settings(max_examples=30, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def hooks() -> Iterator[ModuleType]:
    """The hooks, installed for the test and removed afterwards unless someone else had them."""
    fresh = HOOKS_MODULE not in sys.modules
    module = importlib.import_module(HOOKS_MODULE)
    keep = not fresh and module.is_installed()
    module.install()
    yield module
    if not keep:
        module.uninstall()


def _floats(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.values() for f in _floats(item)]
    if isinstance(value, list):
        return [f for item in value for f in _floats(item)]
    return []


def _with_problem_body(document: dict[str, Any]) -> dict[str, Any]:
    """The document plus an operation whose body is ApiProblemDetails: S6 as request data."""
    document = copy.deepcopy(document)
    operation = copy.deepcopy(document["paths"][BULK_UPDATE_PATH]["post"])
    operation["operationId"] = "problem-echo"
    operation["requestBody"] = {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ApiProblemDetails"}}
        },
    }
    document["paths"]["/problem-echo"] = {"post": operation}
    return document


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(5.0, 5, id="whole-float"),
        pytest.param(-0.0, 0, id="negative-zero"),
        pytest.param(5.5, 5.5, id="fraction-kept"),
        pytest.param(
            {"a": [1.0, {"b": 2.0}], "c": "3.0"}, {"a": [1, {"b": 2}], "c": "3.0"}, id="deep"
        ),
        pytest.param(True, True, id="boolean-kept"),
    ],
)
def test_whole_floats_become_ints(hooks: ModuleType, value: Any, expected: Any) -> None:
    converted = hooks.whole_floats_to_ints(value)
    assert converted == expected
    assert _floats(converted) == _floats(expected)


def test_generated_s6_bodies_are_ints_within_int32(hooks: ModuleType) -> None:
    schema = schemathesis.openapi.from_dict(_with_problem_body(corrected_document()))
    operation = schema["/problem-echo"]["POST"]

    @GENERATE
    @given(operation.as_strategy())
    def within_int32(case: Any) -> None:
        assert [f for f in _floats(case.body) if f.is_integer()] == []
        status = case.body.get("status") if isinstance(case.body, dict) else None
        if status is not None:
            assert -(2**31) <= int(status) < 2**31

    within_int32()


def test_the_vendored_spec_is_corrected_on_load(hooks: ModuleType) -> None:
    schema = schemathesis.openapi.from_dict(load_document())
    operation = schema[BULK_UPDATE_PATH]["POST"]

    @GENERATE
    @given(operation.as_strategy())
    def ids_are_strings(case: Any) -> None:
        body = case.body if isinstance(case.body, dict) else {}  # S2: the body is optional
        for item in body.get("items") or []:
            assert isinstance(item["id"], str)  # S1: a null id is negative data only

    ids_are_strings()


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(load_document(), id="vendored"),
        pytest.param(corrected_document(), id="already-corrected"),
        pytest.param(_with_problem_body(corrected_document()), id="corrected-and-extended"),
    ],
)
def test_corrections_apply_once(hooks: ModuleType, document: dict[str, Any]) -> None:
    corrected = hooks.corrected_copy(document)
    assert corrected == hooks.corrected_copy(corrected)
    items = corrected["components"]["schemas"]["UpdateIncidentRequest"]["properties"]
    assert items["id"]["type"] == "string"


def test_a_spec_the_corrections_no_longer_fit_is_refused(hooks: ModuleType) -> None:
    moved = load_document()
    moved["components"]["schemas"]["UpdateIncidentRequest"]["properties"]["id"]["type"] = "integer"
    with pytest.raises(PatchError, match="test /components/schemas/UpdateIncidentRequest"):
        hooks.corrected_copy(moved)


def test_other_documents_are_left_alone(hooks: ModuleType) -> None:
    other = {"openapi": "3.1.0", "paths": {"/x": {}}}
    hooks.before_load_schema(None, other)
    assert other == {"openapi": "3.1.0", "paths": {"/x": {}}}


def test_public_names_are_pinned(hooks: ModuleType) -> None:
    assert sorted(hooks.__all__) == [
        "INT32_FORMAT",
        "before_load_schema",
        "corrected_copy",
        "install",
        "is_installed",
        "map_body",
        "uninstall",
        "whole_floats_to_ints",
    ]
    assert all(hasattr(hooks, name) for name in hooks.__all__)


def test_install_is_idempotent(hooks: ModuleType) -> None:
    hooks.install()
    assert GLOBAL_HOOK_DISPATCHER.get_all_by_name("map_body").count(hooks.map_body) == 1
    assert hooks.is_installed()
