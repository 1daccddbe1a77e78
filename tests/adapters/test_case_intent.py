"""``case_intent``: one reading of a schemathesis case, for the fuzzing phase and ``st run``."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, find, settings
from schemathesis.generation import GenerationMode

from conformance.adapters.case_intent import case_intent, headers_mutated
from conformance.checks import NO_BODY, Intent, NotJson, RequestBody
from conformance.openapi import BULK_UPDATE_PATH, corrected_document
from conformance.sandbox import Incident, Sandbox

AUTH = {"Authorization": "Basic Y2xpZW50OnNlY3JldA=="}
SANDBOX = Sandbox(writable=(Incident("INC-1", "w"),), foreign=(Incident("INC-9", "x"),))
ITEMS = [{"id": "INC-1"}, {"id": "INC-9"}]


@pytest.fixture(scope="module")
def operation() -> Any:
    schema = schemathesis.openapi.from_dict(corrected_document())
    schema.config.update(base_url="http://127.0.0.1:9")
    return schema[BULK_UPDATE_PATH]["POST"]


CASES = [
    # (method, headers, body), max_items, (auth, body)
    pytest.param(("POST", AUTH, {"items": ITEMS}), None, ("valid", "valid"), id="valid"),
    pytest.param(("POST", {}, {"items": ITEMS}), None, ("missing", "valid"), id="no-header"),
    pytest.param(("POST", AUTH, NO_BODY), None, ("valid", "unknown"), id="S2-no-body"),
    pytest.param(("POST", AUTH, {"items": None}), None, ("valid", "unknown"), id="S5-null"),
    pytest.param(("POST", AUTH, {"items": [{"id": " "}]}), None, ("valid", "unknown"), id="S1"),
    pytest.param(("POST", AUTH, {"items": ITEMS}), 1, ("valid", "unknown"), id="S8-over-cap"),
    pytest.param(("POST", AUTH, {"items": ITEMS}), 2, ("valid", "valid"), id="at-the-cap"),
    pytest.param(
        ("POST", AUTH, {"items": [{"id": None}]}), None, ("valid", "invalid"), id="null-id"
    ),
    pytest.param(("POST", AUTH, [{"id": "INC-1"}]), None, ("valid", "invalid"), id="array"),
    pytest.param(("POST", AUTH, NotJson(b"{items:[]}")), None, ("valid", "invalid"), id="not-json"),
    pytest.param(("GET", AUTH, NO_BODY), None, ("valid", "unknown"), id="another-method"),
]


@pytest.mark.parametrize(("sent", "max_items", "expected"), CASES)
def test_the_intent_of_a_case(
    operation: Any,
    sent: tuple[str, dict[str, str], RequestBody],
    max_items: int | None,
    expected: tuple[str, str],
) -> None:
    method, headers, body = sent
    case = operation.Case(headers=headers)
    intent = case_intent(
        case, method=method, path=BULK_UPDATE_PATH, headers=headers, body=body, max_items=max_items
    )
    assert (intent.auth, intent.body, intent.expected) == (*expected, None)


def test_with_the_sandbox_a_valid_body_carries_the_expected_outcomes(operation: Any) -> None:
    body = {"items": ITEMS}
    intent = case_intent(
        operation.Case(headers=AUTH),
        method="POST",
        path=f"http://127.0.0.1:9{BULK_UPDATE_PATH}?x=1",
        headers=AUTH,
        body=body,
        sandbox=SANDBOX,
    )
    assert intent == Intent(
        auth="valid", body="valid", expected={"INC-1": "accepted", "INC-9": "forbidden"}
    )


def test_headers_schemathesis_broke_are_invalid_credentials(operation: Any) -> None:
    strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    case = find(
        strategy,
        lambda case: headers_mutated(case) and "Authorization" in (case.headers or {}),
        settings=settings(database=None, suppress_health_check=list(HealthCheck)),
    )
    headers = {str(k): str(v) for k, v in case.headers.items()}
    intent = case_intent(case, method="POST", path=BULK_UPDATE_PATH, headers=headers, body=NO_BODY)
    assert intent.auth == "invalid"
    # The caller's own credentials (st run --auth) among the broken headers stay valid.
    own = {**headers, "Authorization": AUTH["Authorization"]}
    intent = case_intent(case, method="POST", path=BULK_UPDATE_PATH, headers=own, body=NO_BODY)
    assert intent.auth == "valid"
