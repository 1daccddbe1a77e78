"""Spec-driven fuzzing through schemathesis, in positive and negative mode.

Schemathesis generates from the corrected document; the cases are sent through our own
client (rate limit, write discipline, redaction), judged by our clause checks, and by the
schemathesis checks listed in ``SCHEMATHESIS_CHECKS``. Excluded, with the reason:

- ``ignored_auth`` sends extra requests of its own, bypassing the rate limit and the write
  discipline; the C12 probes cover what it checks.
- ``positive_data_acceptance`` is run, but a rejection it reports is waived where the contract
  lets a server answer 400 to schema-valid data: null, empty or missing ``items`` (S5), a
  bodiless request (S2), a blank id (S1), or a batch above the cap (S8).
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
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi import checks as openapi

# Imported for its side effect: it registers the int32 and whole-float fixes as hooks.
import conformance.adapters.schemathesis_hooks  # noqa: F401
from conformance.checks import ConformanceFailure, Exchange, Intent
from conformance.openapi import BULK_UPDATE_PATH, corrected_document
from conformance.openapi.schemas import component_validator
from conformance.run.client import PlannedRequest
from conformance.run.phases import PhaseContext
from conformance.run.properties import run_property
from conformance.run.target import Target
from conformance.sandbox import Sandbox, expected_outcomes, reserved_id

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
                case, exchange, fuzzing.checks
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
    components = case.meta.components if case.meta else {}
    header_mode = components.get(ParameterLocation.HEADER)
    auth_mutated = header_mode is not None and header_mode.mode == GenerationMode.NEGATIVE
    if not auth_mutated:
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        headers["Authorization"] = target.writer.authorization()
    content: bytes | None
    body: Any
    if "json" in kwargs:
        body = _confine_ids(kwargs["json"], target.sandbox)
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    elif "data" in kwargs and kwargs["data"] is not None:
        raw = kwargs["data"]
        content = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
        body = _json_or_none(content)
    else:
        content, body = None, None
    intent = _intent(
        auth_mutated,
        headers,
        content,
        body,
        sandbox=target.sandbox,
        max_items=target.limits.max_items,
    )
    path = kwargs["url"][len(target.base_url) :] or BULK_UPDATE_PATH
    return PlannedRequest(kwargs["method"], path, headers, content), intent


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return _NOT_JSON


_NOT_JSON = object()


def _intent(
    auth_mutated: bool,
    headers: dict[str, str],
    content: bytes | None,
    body: Any,
    *,
    sandbox: Sandbox,
    max_items: int | None,
) -> Intent:
    if auth_mutated:
        has_header = any(k.lower() == "authorization" for k in headers)
        return Intent(auth="invalid" if has_header else "missing", body="unknown")
    if content is None:
        return Intent(auth="valid", body="valid", expected={})
    if body is _NOT_JSON or not component_validator("BulkUpdateIncidentsRequest").is_valid(body):
        return Intent(auth="valid", body="invalid")
    items = body.get("items") or []
    cap = max_items if max_items is not None else len(items)
    if len(items) > cap or any(_is_blank(item.get("id")) for item in items):
        # Schema-valid, but a server may reject it (S8, S1): vouch for nothing.
        return Intent(auth="valid", body="unknown")
    return Intent(auth="valid", body="valid", expected=expected_outcomes(sandbox, items))


def _is_blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _waived_rejection(exchange: Exchange) -> bool:
    body = exchange.request.body
    if not isinstance(body, dict):
        return True
    items = body.get("items")
    if not items or not isinstance(items, list):
        return True
    return any(_is_blank(item.get("id")) for item in items if isinstance(item, dict))


def _run_schemathesis_checks(
    case: Any, exchange: Exchange, checks: list[Any]
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
        if kind == "RejectedPositiveData" and _waived_rejection(exchange):
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
