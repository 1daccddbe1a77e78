"""``positive_data_acceptance`` lets through exactly the 400s the spec defects allow."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, find, settings
from schemathesis.checks import CHECKS as SCHEMATHESIS_CHECKS
from schemathesis.core import NOT_SET, NotSet
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance as schemathesis_positive_data_acceptance,
)

from conformance.adapters import positive_data
from conformance.openapi import BULK_UPDATE_PATH, corrected_document

# Importing the module replaced schemathesis's check globally, at collection time; keep the
# replacement out of other modules' schemathesis tests and install it only around these.
positive_data.uninstall()

BASE_URL = "http://127.0.0.1:9"
FIND = settings(database=None, suppress_health_check=list(HealthCheck))
VALID = {"items": [{"id": "cfct-a"}, {"id": "cfct-b"}, {"id": "cfct-c"}]}


@pytest.fixture(autouse=True, scope="module")
def _installed() -> Iterator[None]:
    positive_data.install()
    yield
    positive_data.uninstall()


@pytest.fixture(scope="module")
def operation() -> Any:
    schema = schemathesis.openapi.from_dict(corrected_document())
    schema.config.update(base_url=BASE_URL)
    return schema[BULK_UPDATE_PATH]["POST"]


@pytest.fixture(scope="module")
def positive_case(operation: Any) -> Callable[[object], Any]:
    """Builds a case carrying a given body that schemathesis takes for valid data.

    It reuses what schemathesis recorded of one case it generated as valid data: the
    simplest (no body) is found at once, while shrinking to a given body takes seconds each.
    """
    strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    drawn = find(strategy, lambda case: isinstance(case.body, NotSet), settings=FIND)
    assert drawn.meta.generation.mode == GenerationMode.POSITIVE
    return lambda body: operation.Case(body=body, _meta=copy.deepcopy(drawn.meta))


def answer(status: int, body: object) -> Response:
    sent = None if isinstance(body, NotSet) else body
    request = requests.Request("POST", BASE_URL + BULK_UPDATE_PATH, json=sent).prepare()
    problem = {"status": status, "code": "VALIDATION_ERROR"}
    headers = {"Content-Type": ["application/problem+json"]}
    return Response(status, headers, json.dumps(problem).encode(), request, 0.0, True)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({}, None, id="unset"),
        pytest.param({"CF_CONFORMANCE_MAX_ITEMS": " "}, None, id="blank"),
        pytest.param({"CF_CONFORMANCE_MAX_ITEMS": " 50 "}, 50, id="padded"),
    ],
)
def test_the_cap_comes_from_the_environment(environ: dict[str, str], expected: int | None) -> None:
    assert positive_data.max_items_from_environment(environ) == expected


@pytest.mark.parametrize("raw", ["0", "-5", "fifty", "2.5"])
def test_a_cap_that_is_not_a_positive_whole_number_is_refused(raw: str) -> None:
    message = f"CF_CONFORMANCE_MAX_ITEMS={raw!r}: the batch cap must be a whole number >= 1"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        positive_data.max_items_from_environment({"CF_CONFORMANCE_MAX_ITEMS": raw})


@pytest.mark.parametrize(
    ("body", "status", "max_items"),
    [
        pytest.param(NOT_SET, 400, None, id="S2-bodiless"),
        pytest.param({"items": None}, 400, None, id="S5-items-null"),
        pytest.param({"items": [{"id": "  "}]}, 400, None, id="S1-blank-id"),
        pytest.param(VALID, 400, 2, id="S8-over-the-cap"),
        pytest.param(VALID, 200, None, id="accepted"),
    ],
)
def test_a_rejection_the_contract_allows_passes(
    positive_case: Callable[[object], Any],
    monkeypatch: pytest.MonkeyPatch,
    body: object,
    status: int,
    max_items: int | None,
) -> None:
    monkeypatch.setattr(positive_data, "_MAX_ITEMS", max_items)
    case = positive_case(body)
    case.validate_response(answer(status, body), checks=[positive_data.positive_data_acceptance])


@pytest.mark.parametrize(
    ("body", "status", "max_items"),
    [
        pytest.param(VALID, 400, None, id="ordinary-batch"),
        pytest.param(VALID, 400, 3, id="within-the-cap"),
        pytest.param(NOT_SET, 422, None, id="S2-but-not-a-400"),
        pytest.param({"items": []}, 415, None, id="S5-but-not-a-400"),
    ],
)
def test_any_other_rejection_still_fails(
    positive_case: Callable[[object], Any],
    monkeypatch: pytest.MonkeyPatch,
    body: object,
    status: int,
    max_items: int | None,
) -> None:
    monkeypatch.setattr(positive_data, "_MAX_ITEMS", max_items)
    case = positive_case(body)
    with pytest.raises(FailureGroup) as caught:
        case.validate_response(
            answer(status, body), checks=[positive_data.positive_data_acceptance]
        )
    assert [(f.code, f.title) for f in caught.value.exceptions] == [
        ("ST202", "Schema-valid request rejected")
    ]


def test_it_takes_the_place_of_schemathesis_check() -> None:
    names = SCHEMATHESIS_CHECKS.get_all_names()
    assert SCHEMATHESIS_CHECKS.get_one("positive_data_acceptance") is (
        positive_data.positive_data_acceptance
    )
    positive_data.uninstall()
    assert not positive_data.is_installed()
    assert SCHEMATHESIS_CHECKS.get_one("positive_data_acceptance") is (
        schemathesis_positive_data_acceptance
    )
    positive_data.install()
    positive_data.install()
    assert positive_data.is_installed()
    assert SCHEMATHESIS_CHECKS.get_all_names() == names


def test_public_names_are_pinned() -> None:
    assert sorted(positive_data.__all__) == [
        "MAX_ITEMS_VARIABLE",
        "TOLERATED_STATUS",
        "install",
        "is_installed",
        "max_items_from_environment",
        "positive_data_acceptance",
        "uninstall",
    ]
    assert all(hasattr(positive_data, name) for name in positive_data.__all__)
