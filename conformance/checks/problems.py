"""Errors as RFC 7807 problem details: C5 to C10 (docs.contraforce.com/api-reference/errors).

Every check here looks only at 4xx and 5xx responses, and only at members: ``title`` and
``detail`` may be reworded between releases, so their text is never asserted.
"""

from __future__ import annotations

import re

from conformance.checks._base import (
    ABSENT,
    JUDGED,
    Absent,
    Judged,
    body_object,
    clause_check,
    fail,
    is_error,
    member,
    shown,
)
from conformance.checks.context import CheckContext
from conformance.checks.envelope import received_body, require_media_type
from conformance.checks.exchange import Exchange, JsonValue, NoBody, NotJson
from conformance.checks.failure import json_path, render

__all__ = [
    "problem_body_conformance",
    "problem_code",
    "problem_code_conformance",
    "problem_media_type_conformance",
    "problem_members_conformance",
    "problem_status_conformance",
    "problem_trace_conformance",
    "validation_errors_conformance",
]

# The spec's pattern for a string status (S6).
_NUMERIC = re.compile(r"-?(?:0|[1-9][0-9]*)", re.ASCII)


def _problem(exchange: Exchange) -> dict[str, JsonValue] | None:
    return body_object(exchange) if is_error(exchange.status) else None


def problem_code(exchange: Exchange) -> str | None:
    """The problem's ``code`` when it is a non-empty string, else None."""
    problem = _problem(exchange)
    code = None if problem is None else problem.get("code")
    return code if isinstance(code, str) and code else None


@clause_check("C5")
def problem_media_type_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C5: every 4xx and 5xx is served as ``application/problem+json`` (parameters allowed)."""
    if not is_error(exchange.status):
        return None
    require_media_type(exchange, "application/problem+json", kind="Error")
    return JUDGED


@clause_check("C5")
def problem_body_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C5: the body of every 4xx and 5xx is a problem document, i.e. a JSON object."""
    if not is_error(exchange.status):
        return None
    body = exchange.response_body
    if not isinstance(body, dict):
        fail(
            "Error body is not JSON"
            if isinstance(body, NoBody | NotJson)
            else "Error body is not a JSON object",
            received=received_body(body),
            expected="an RFC 7807 problem object",
            at="$",
        )
    return JUDGED


def _status_number(value: JsonValue) -> int | None:
    # bool is an int in Python but not in JSON.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # JSON Schema counts 400.0 as an integer
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        return int(value)
    return None


@clause_check("C6")
def problem_status_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C6: the problem's ``status`` equals the HTTP status; ``"400"`` conforms on a 400 (S6)."""
    problem = _problem(exchange)
    if problem is None:
        return None
    value = member(problem, "status")
    expected = f"{exchange.status} (the HTTP status), as an integer or a numeric string"
    if isinstance(value, Absent) or value is None:
        fail("Problem has no status", received=shown(value), expected=expected, at="$.status")
    number = _status_number(value)
    if number is None:
        fail(
            "Problem status is not an integer or a numeric string",
            received=render(value),
            expected=expected,
            at="$.status",
        )
    if number != exchange.status:
        fail(
            "Problem status differs from the HTTP status",
            received=render(value),
            expected=expected,
            at="$.status",
        )
    return JUDGED


@clause_check("C7")
def problem_code_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C7: ``code`` is a non-empty string; a documented code comes with its documented status."""
    problem = _problem(exchange)
    if problem is None:
        return None
    value = member(problem, "code")
    if not isinstance(value, str):
        fail(
            "Problem has no code"
            if value is ABSENT or value is None
            else "Problem code is not a string",
            received=shown(value),
            expected="a non-empty string clients can switch on",
            at="$.code",
        )
    # "Non-empty" as the contract says it: whitespace is a poor code, but not an absent one.
    if not value:
        fail(
            "Problem code is empty",
            received=render(value),
            expected="a non-empty string clients can switch on",
            at="$.code",
        )
    documented = context.problem_codes.get(value)
    if documented is not None and documented != exchange.status:
        fail(
            "Problem code does not match the HTTP status",
            received=f"{render(value)} on HTTP {exchange.status}",
            expected=f"{render(value)} only on HTTP {documented}",
            at="$.code",
        )
    return JUDGED


@clause_check("C8")
def problem_trace_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C8: a problem carries ``requestId`` and ``timestamp`` strings (C2 and C3 judge them)."""
    problem = _problem(exchange)
    if problem is None:
        return None
    for name in ("requestId", "timestamp"):
        value = member(problem, name)
        if not isinstance(value, str):
            fail(
                f"Problem has no {name} string",
                received=shown(value),
                expected="a string",
                at=json_path(name),
            )
    return JUDGED


@clause_check("C9")
def validation_errors_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C9: ``errors``, when present, maps request paths to lists of message strings.

    The inferred part, "a VALIDATION_ERROR carries a non-empty errors map", is dropped when
    C9 is relaxed; the shape of ``errors`` is checked either way. A problem without
    ``errors`` that is not a VALIDATION_ERROR (or with C9 relaxed) gives C9 nothing to judge.
    """
    problem = _problem(exchange)
    if problem is None:
        return None
    errors = member(problem, "errors")
    present = errors is not ABSENT and errors is not None
    if isinstance(errors, dict):
        _check_errors_shape(errors)
    elif present:
        fail(
            "Problem errors is not an object",
            received=shown(errors),
            expected="an object mapping request paths to lists of messages",
            at="$.errors",
        )
    if context.is_relaxed("C9") or problem.get("code") != "VALIDATION_ERROR":
        return JUDGED if present else None
    if isinstance(errors, Absent) or not errors:  # missing, null or {}
        fail(
            "VALIDATION_ERROR problem has no errors",
            received=shown(errors),
            expected="a non-empty errors map from request paths to messages",
            at="$.errors",
        )
    return JUDGED


def _check_errors_shape(errors: dict[str, JsonValue]) -> None:
    for key, messages in errors.items():
        if not isinstance(messages, list):
            fail(
                "Problem errors value is not a list",
                received=render(messages),
                expected="a list of message strings",
                at=json_path("errors", key),
            )
        for index, message in enumerate(messages):
            if not isinstance(message, str):
                fail(
                    "Problem errors message is not a string",
                    received=render(message),
                    expected="a message string",
                    at=json_path("errors", key, index),
                )


@clause_check("C10")
def problem_members_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C10: ``type``, ``title``, ``detail`` and ``instance`` are strings when present.

    ``type`` may be ``about:blank`` or a URL; it is not pinned. A problem with none of them
    gives C10 nothing to judge.
    """
    problem = _problem(exchange)
    if problem is None:
        return None
    present = False
    for name in _RFC7807_MEMBERS:
        value = problem.get(name)
        if value is None:
            continue
        present = True
        if not isinstance(value, str):
            fail(
                f"Problem {name} is not a string",
                received=render(value),
                expected="a string or null",
                at=json_path(name),
            )
    return JUDGED if present else None


_RFC7807_MEMBERS = ("type", "title", "detail", "instance")
