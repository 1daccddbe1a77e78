"""What a schemathesis case was meant to be, as the checks' ``Intent``: the one bridge.

The fuzzing phase and the checks registered for ``st run`` both ask ``case_intent``:

- credentials are missing without an ``Authorization`` header, invalid when the header sent
  is one schemathesis made up while generating headers that break the schema, and valid
  otherwise (the caller's own, as ``st run --auth`` and the fuzzing phase add them);
- the body of a bulk update is invalid when it is not JSON or breaks the corrected schema,
  unknown when a spec defect lets a server reject it although it is valid (S1, S2, S5, S8:
  ``conformance.checks.tolerated_rejection``), and valid otherwise. A request that tests the
  transport (another method, a probe of the media type) makes no claim about its body.

Only a caller that knows the sandbox (the fuzzing phase) adds the outcome expected per id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.generation.meta import REQUEST_SHAPE_PROBES, coverage_scenario

from conformance.checks import (
    TOLERATED_STATUS,
    AuthIntent,
    Intent,
    JsonValue,
    NoBody,
    NotJson,
    RequestBody,
    tolerated_rejection,
)
from conformance.checks.exchange import header_value
from conformance.openapi import BULK_UPDATE_PATH
from conformance.openapi.schemas import component_validator
from conformance.sandbox import Sandbox, expected_outcomes

__all__ = ["case_intent", "headers_mutated"]


def headers_mutated(case: Case[Any]) -> bool:
    """Whether schemathesis generated the case's headers to break the schema."""
    meta = case.meta
    component = meta.components.get(ParameterLocation.HEADER) if meta else None
    return component is not None and component.mode == GenerationMode.NEGATIVE


def case_intent(
    case: Case[Any],
    *,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: RequestBody,
    sandbox: Sandbox | None = None,
    max_items: int | None = None,
) -> Intent:
    """The intent behind ``case`` as sent: ``method`` to ``path`` with ``headers`` and ``body``.

    ``sandbox`` adds the C20 outcome expected per id; ``max_items`` is the batch cap (S8).
    """
    sent = header_value(headers, "Authorization")
    auth: AuthIntent = "missing" if sent is None else "valid"
    if case.meta is not None and coverage_scenario(case) in REQUEST_SHAPE_PROBES:
        # A probe of the method or the media type tests the transport, not the credentials
        # or the schema, whichever header it changed.
        return Intent(auth=auth, body="unknown")
    if sent is not None and headers_mutated(case):
        # Credentials schemathesis made up itself, rather than the caller's own.
        generated = header_value(
            {str(k): str(v) for k, v in (case.headers or {}).items()}, "Authorization"
        )
        auth = "invalid" if generated == sent else "valid"
    if method.upper() != "POST" or not urlsplit(path).path.endswith(BULK_UPDATE_PATH):
        return Intent(auth=auth, body="unknown")
    if isinstance(body, NotJson) or (not isinstance(body, NoBody) and not _valid(body)):
        return Intent(auth=auth, body="invalid")
    if tolerated_rejection(TOLERATED_STATUS, body, max_items=max_items) is not None:
        return Intent(auth=auth, body="unknown")
    if sandbox is None:
        return Intent(auth=auth, body="valid")
    # Valid, and not excused: an object with a list of item objects.
    items = body.get("items") if isinstance(body, dict) else None
    listed = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    return Intent(auth=auth, body="valid", expected=expected_outcomes(sandbox, listed))


def _valid(body: JsonValue) -> bool:
    return bool(component_validator("BulkUpdateIncidentsRequest").is_valid(body))
