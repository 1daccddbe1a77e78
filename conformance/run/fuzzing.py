"""Spec-driven fuzzing through schemathesis, in positive and negative mode.

Schemathesis generates from the corrected document; the cases are sent through our own
client (rate limit, write discipline, redaction), judged by our clause checks, and by the
schemathesis checks listed in ``SCHEMATHESIS_CHECKS``. Excluded, with the reason:

- ``ignored_auth`` sends extra requests of its own, bypassing the rate limit and the write
  discipline; the C12 probes cover what it checks.
- ``positive_data_acceptance`` is run, but a rejection it reports is waived where the contract
  lets a server answer 400 to schema-valid data (``conformance.checks.tolerated_rejection``):
  null, empty or missing ``items`` (S5), a bodiless request (S2), a blank id (S1), or a batch
  above ``limits.max_items`` (S8).
- ``use_after_free``, ``ensure_resource_availability`` and the other stateful checks need
  OpenAPI links, which the spec does not have.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import schemathesis
import schemathesis.checks as core
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi import checks as openapi

# Imported for its side effect: it registers the int32 and whole-float fixes as hooks.
import conformance.adapters.schemathesis_hooks  # noqa: F401
from conformance.adapters.case_intent import case_intent, headers_mutated
from conformance.checks import (
    ConformanceFailure,
    Exchange,
    Intent,
    parse_json,
    tolerated_rejection,
)
from conformance.openapi import BULK_UPDATE_PATH, corrected_document
from conformance.run.client import PlannedRequest
from conformance.run.phases import PhaseContext
from conformance.run.properties import run_property
from conformance.run.target import Target
from conformance.sandbox import Sandbox, reserved_id

__all__ = ["SCHEMATHESIS_CHECKS", "Fuzzing", "prepare_fuzzing", "run_fuzzing"]

SCHEMATHESIS_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
)
# Which clause a schemathesis failure class speaks to; anything else falls back by status.
FAILURE_CLAUSES = {
    "ServerError": "C15",
    "UndefinedStatusCode": "C11",
    "AcceptedNegativeData": "C11",
    "RejectedPositiveData": "C11",
}
_ID_NAMESPACE = uuid.UUID("6b1d3f4e-51a4-4c8e-9d1b-0c6f3c1f7a11")
_HEADERS_DROPPED = {"user-agent", "accept-encoding", "connection"}


MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@dataclass(frozen=True)
class Fuzzing:
    """What the phase needs from schemathesis, loaded once: a strategy per mode, the checks."""

    strategies: Mapping[GenerationMode, Any]
    checks: list[Any]


def prepare_fuzzing(target: Target) -> Fuzzing:
    """Load the corrected document into schemathesis (a second or so of CPU)."""
    schema = schemathesis.openapi.from_dict(corrected_document())
    schema.config.update(base_url=target.base_url)
    operation = schema[BULK_UPDATE_PATH]["POST"]
    strategies = {mode: operation.as_strategy(generation_mode=mode) for mode in MODES}
    return Fuzzing(strategies, _schemathesis_checks())


def run_fuzzing(context: PhaseContext, *, examples: int, prepared: Fuzzing | None = None) -> None:
    if examples <= 0:
        context.skipped.append(("fuzz", "the profile runs no schemathesis examples"))
        return
    fuzzing = prepared or prepare_fuzzing(context.client.target)
    for mode in MODES:
        run_property(
            context,
            f"fuzz ({mode.value})",
            fuzzing.strategies[mode],
            lambda case: [_plan(case, context)],
            max_examples=examples,
            extra_checks=lambda case, exchange: _run_schemathesis_checks(
                case, exchange, fuzzing.checks, max_items=context.client.target.limits.max_items
            ),
        )


def _schemathesis_checks() -> list[Any]:
    found = []
    for name in SCHEMATHESIS_CHECKS:
        check = getattr(openapi, name, None) or getattr(core, name, None)
        if check is None:
            raise RuntimeError(f"schemathesis no longer provides the check {name!r}")
        found.append(check)
    return found


def _reserved_for(value: str) -> str:
    return reserved_id(uuid.uuid5(_ID_NAMESPACE, value).int)


def _confine_ids(body: Any, sandbox: Sandbox) -> Any:
    """Point generated ids at the reserved namespace, keeping their JSON type.

    Schemathesis knows nothing of the sandbox; a random string could name a real incident.
    A blank id names nothing and stays, since it probes S1.
    """
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return body
    for item in items:
        if isinstance(item, dict):
            value = item.get("id")
            if isinstance(value, str) and value.strip() and not sandbox.allows_write_to(value):
                item["id"] = _reserved_for(value)
    return body


def _plan(case: Any, context: PhaseContext) -> tuple[PlannedRequest, Intent]:
    target = context.client.target
    kwargs = case.as_transport_kwargs(base_url=target.base_url)
    headers = {
        name: str(value)
        for name, value in (kwargs.get("headers") or {}).items()
        if name.lower() not in _HEADERS_DROPPED
    }
    if not headers_mutated(case):
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        headers["Authorization"] = target.writer.authorization()
    content: bytes | None = None
    if "json" in kwargs:
        body = _confine_ids(kwargs["json"], target.sandbox)
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    elif kwargs.get("data") is not None:
        raw = kwargs["data"]
        content = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
    path = kwargs["url"][len(target.base_url) :] or BULK_UPDATE_PATH
    intent = case_intent(
        case,
        method=kwargs["method"],
        path=path,
        headers=headers,
        body=parse_json(content),
        sandbox=target.sandbox,
        max_items=target.limits.max_items,
    )
    return PlannedRequest(kwargs["method"], path, headers, content), intent


def _run_schemathesis_checks(
    case: Any, exchange: Exchange, checks: list[Any], *, max_items: int | None
) -> list[ConformanceFailure]:
    failures: list[BaseException]
    try:
        case.validate_response(exchange.response, checks=checks)
    except FailureGroup as group:
        failures = list(group.exceptions)
    except AssertionError as single:
        failures = [single]
    else:
        return []
    converted = []
    for failure in failures:
        kind = type(failure).__name__
        if kind == "RejectedPositiveData" and tolerated_rejection(
            exchange.status, exchange.request.body, max_items=max_items
        ):
            continue
        clause = FAILURE_CLAUSES.get(kind) or ("C1" if exchange.status < 400 else "C10")
        converted.append(
            ConformanceFailure(
                clause=clause,
                check=f"schemathesis:{kind}",
                title=str(getattr(failure, "title", kind)),
                received=str(getattr(failure, "message", "") or failure).strip(),
                expected="a response the corrected OpenAPI document allows",
                path=f"POST {BULK_UPDATE_PATH}",
            )
        )
    return converted
