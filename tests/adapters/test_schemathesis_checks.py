"""The schemathesis adapter: every check registered, exchanges built from cases, and `st run`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS as SCHEMATHESIS_CHECKS
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response as StarletteResponse
from starlette.routing import Route

from conformance.adapters import schemathesis_checks
from conformance.adapters.schemathesis_checks import (
    context_from_environment,
    exchange_from_schemathesis,
    register_checks,
    registered_names,
    unregister_checks,
)
from conformance.checks import CHECKS, NO_BODY, NotJson
from conformance.openapi import BULK_UPDATE_PATH, vendored_spec_path
from conformance.openapi.schemas import component_validator

# Importing the adapter registered our checks globally, at collection time; keep them out of
# other modules' schemathesis tests and register them only around the tests here.
unregister_checks()

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "http://127.0.0.1:9"
AUTH = {"Authorization": "Basic Y2xpZW50OnNlY3JldA=="}
META = {"requestId": "r-1", "timestamp": "2026-04-15T20:00:00Z"}


@pytest.fixture(autouse=True, scope="module")
def _registered() -> Iterator[None]:
    register_checks()
    yield
    unregister_checks()


@pytest.fixture(scope="module")
def operation() -> Any:
    schema = schemathesis.openapi.from_path(vendored_spec_path())
    schema.config.update(base_url=BASE_URL)
    return schema[BULK_UPDATE_PATH]["POST"]


def sent(body: object, headers: dict[str, str]) -> requests.PreparedRequest:
    return requests.Request(
        "POST", BASE_URL + BULK_UPDATE_PATH, json=body, headers=headers
    ).prepare()


def answer(
    status: int, body: object, request: requests.PreparedRequest, content_type: str
) -> Response:
    return Response(
        status, {"Content-Type": [content_type]}, json.dumps(body).encode(), request, 0.0, True
    )


def our_checks() -> list[Any]:
    return [SCHEMATHESIS_CHECKS.get_one(name) for name in registered_names()]


def test_public_names_are_pinned() -> None:
    assert sorted(schemathesis_checks.__all__) == [
        "CHECK_PREFIX",
        "RELAX_VARIABLE",
        "context_from_environment",
        "exchange_from_schemathesis",
        "register_checks",
        "registered_names",
        "unregister_checks",
    ]
    assert all(hasattr(schemathesis_checks, name) for name in schemathesis_checks.__all__)


def test_every_check_is_registered_under_a_prefixed_name() -> None:
    assert registered_names() == tuple(f"cf_{name}" for name in CHECKS)
    assert set(registered_names()) <= set(SCHEMATHESIS_CHECKS.get_all_names())


def test_checks_can_be_taken_out_and_put_back() -> None:
    unregister_checks()
    assert not set(registered_names()) & set(SCHEMATHESIS_CHECKS.get_all_names())
    assert register_checks() == registered_names()


def test_a_conforming_response_passes(operation: Any) -> None:
    body = {"items": [{"id": "a"}]}
    case = operation.Case(body=body, headers=AUTH)
    request = sent(body, AUTH)
    case.validate_response(
        answer(200, {"data": {"accepted": ["a"]}, "meta": META}, request, "application/json"),
        checks=our_checks(),
    )


def test_failures_carry_our_messages(operation: Any) -> None:
    body = {"items": [{"id": "a"}]}
    case = operation.Case(body=body, headers=AUTH)
    leaked = answer(
        200, {"data": {"accepted": ["a", "b"]}, "meta": META}, sent(body, AUTH), "application/json"
    )
    with pytest.raises(FailureGroup) as caught:
        case.validate_response(leaked, checks=our_checks())
    assert [(f.title, f.message) for f in caught.value.exceptions] == [
        (
            "Custom check failed: `cf_outcome_partition_conformance`",
            "[C17] Answered an id that was never requested: cross-request leak (security failure)\n"
            'Received: "b" in accepted\n'
            "Expected: only ids this request named (1 distinct)\n"
            "At: $.data.accepted[1]",
        )
    ]


def test_exchange_reads_the_request_as_sent(operation: Any) -> None:
    case = operation.Case(body={"items": None}, headers={})
    exchange = exchange_from_schemathesis(
        answer(401, {}, sent({"items": None}, {}), "application/problem+json"), case
    )
    assert (
        exchange.request.method,
        exchange.request.body,
        exchange.intent.auth,
        exchange.intent.body,
    ) == (
        "POST",
        {"items": None},
        "missing",
        "unknown",
    )
    assert exchange.response.headers["CONTENT-TYPE"] == "application/problem+json"


def test_exchange_without_a_prepared_request_falls_back_to_the_case(operation: Any) -> None:
    case = operation.Case(body={"items": []}, headers=AUTH)
    bare = Response(400, {}, b"", None, 0.0, True)  # type: ignore[arg-type]
    exchange = exchange_from_schemathesis(bare, case)
    assert (exchange.request.url, exchange.request.body, exchange.intent.auth) == (
        BULK_UPDATE_PATH,
        {"items": []},
        "valid",
    )


def test_a_body_counts_as_schema_violating_exactly_when_it_breaks_the_schema(
    operation: Any,
) -> None:
    validator = component_validator("BulkUpdateIncidentsRequest")
    seen: list[tuple[bool, bool, str]] = []

    @settings(max_examples=10, suppress_health_check=list(HealthCheck), database=None)
    @given(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    def collect(case: Any) -> None:
        bare = Response(400, {}, b"", None, 0.0, True)  # type: ignore[arg-type]
        exchange = exchange_from_schemathesis(bare, case)
        body = exchange.request.body
        broken = isinstance(body, NotJson) or (body is not NO_BODY and not validator.is_valid(body))
        negative = case.meta.is_negative_at(ParameterLocation.BODY)
        seen.append((negative, broken, exchange.intent.body))

    collect()
    assert all((intent == "invalid") == broken for _, broken, intent in seen)
    assert any(negative and intent == "invalid" for negative, _, intent in seen)


def test_relaxed_clauses_come_from_the_environment() -> None:
    context = context_from_environment({"CF_CONFORMANCE_RELAX": " c17, C2 ,"})
    assert context.relaxed == frozenset({"C2", "C17"})
    with pytest.raises(ValueError, match="cannot relax C5"):
        context_from_environment({"CF_CONFORMANCE_RELAX": "C5"})


async def _old_style_error(request: StarletteRequest) -> StarletteResponse:
    return StarletteResponse(
        b'{"error": {"message": "nope"}}', status_code=400, media_type="application/json"
    )


@pytest.fixture
def broken_server() -> Iterator[str]:
    app = Starlette(routes=[Route(BULK_UPDATE_PATH, _old_style_error, methods=["POST"])])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.socket
def test_st_run_applies_our_clauses_through_the_hooks_variable(broken_server: str) -> None:
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "conformance.adapters.schemathesis_checks",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            str(vendored_spec_path()),
            "--url",
            broken_server,
            "--phases",
            "fuzzing",
            "--max-examples",
            "3",
            "-H",
            "Authorization: Basic eDp5",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    for line in (
        "Custom check failed: `cf_problem_media_type_conformance`",
        "[C5] Error response is not served as application/problem+json",
        "[C7] Problem has no code",
    ):
        assert line in result.stdout
