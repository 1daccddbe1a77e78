"""Transport and envelope: C1 (success envelope), C2 (requestId), C3 (timestamps).

C2 and C3 apply to both places the trace members live: ``meta`` on a 2xx and the problem
itself on a 4xx/5xx (C8 makes them mandatory there).
"""

from __future__ import annotations

from conformance.checks._base import (
    ABSENT,
    JUDGED,
    Judged,
    body_object,
    clause_check,
    fail,
    is_error,
    is_success,
    member,
    shown,
)
from conformance.checks.context import CheckContext
from conformance.checks.exchange import Exchange, JsonValue, NoBody, NotJson, media_type
from conformance.checks.failure import json_path, render
from conformance.checks.timestamps import classify_timestamp

__all__ = [
    "request_id_conformance",
    "success_envelope_conformance",
    "success_media_type_conformance",
    "timestamp_conformance",
    "trace_members",
]

_ENVELOPE = 'a JSON object {"data": {…}, "meta": {"requestId": …, "timestamp": …}}'


def received_body(body: JsonValue | NoBody | NotJson) -> str:
    """A body that is not the JSON it should be, as it appears after "Received:"."""
    if isinstance(body, NoBody):
        return "an empty body"
    if isinstance(body, NotJson):
        return "not JSON: " + render(body.raw.decode("utf-8", "replace"))
    return render(body)


def received_content_type(content_type: str | None) -> str:
    if content_type is None:
        return "no Content-Type header"
    # A blank header would print as nothing at all after "Received:".
    return content_type if content_type.strip() else render(content_type)


def require_media_type(exchange: Exchange, wanted: str, *, kind: str) -> None:
    """Fail unless the response's media type is ``wanted`` (parameters allowed)."""
    if media_type(exchange.content_type) != wanted:
        fail(
            f"{kind} response is not served as {wanted}",
            received=received_content_type(exchange.content_type),
            expected=f"{wanted} (media-type parameters allowed)",
            at="header Content-Type",
        )


@clause_check("C1")
def success_media_type_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C1: a 2xx response is served as ``application/json`` (parameters allowed)."""
    if not is_success(exchange.status):
        return None
    require_media_type(exchange, "application/json", kind="Success")
    return JUDGED


@clause_check("C1")
def success_envelope_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C1: a 2xx body is ``{"data": {…}, "meta": {"requestId": string, "timestamp": string}}``.

    Extra members anywhere are allowed (C4). A read-back's ``data`` is the incident, or a list
    (of comments) in the list envelope, so a read only needs ``data`` to be one or the other.
    """
    if not is_success(exchange.status):
        return None
    body = exchange.response_body
    if not isinstance(body, dict):
        title = (
            "Success body is not a JSON object"
            if not isinstance(body, NoBody | NotJson)
            else "Success body is not JSON"
        )
        fail(title, received=received_body(body), expected=_ENVELOPE, at="$")
    if exchange.intent.operation == "read":
        _require_data(body)
    else:
        _require_object(body, "data")
    meta = _require_object(body, "meta")
    for name in ("requestId", "timestamp"):
        value = member(meta, name)
        if not isinstance(value, str):
            fail(
                f"Success meta has no {name} string",
                received=shown(value),
                expected="a string",
                at=json_path("meta", name),
            )
    return JUDGED


def _require_data(body: dict[str, JsonValue]) -> None:
    value = member(body, "data")
    if not isinstance(value, dict | list):
        fail(
            "Success body has no data"
            if value is ABSENT or value is None
            else "Success data is neither an object nor a list",
            received=shown(value),
            expected="an object (one item) or a list (many)",
            at=json_path("data"),
        )


def _require_object(body: dict[str, JsonValue], name: str) -> dict[str, JsonValue]:
    value = member(body, name)
    if not isinstance(value, dict):
        fail(
            f"Success body has no {name}"
            if value is ABSENT or value is None
            else f"Success {name} is not an object",
            received=shown(value),
            expected="an object",
            at=json_path(name),
        )
    return value


def trace_members(exchange: Exchange) -> tuple[dict[str, JsonValue], tuple[str, ...]] | None:
    """Where requestId and timestamp live for this response, and the path prefix to them."""
    body = body_object(exchange)
    if body is None:
        return None
    if is_success(exchange.status):
        meta = body.get("meta")
        return (meta, ("meta",)) if isinstance(meta, dict) else None
    if is_error(exchange.status):
        return body, ()
    return None


@clause_check("C2", skip_when_relaxed=True)
def request_id_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C2 (inferred): ``requestId`` is a non-empty string, in any format (it is not a UUID).

    Only the emptiness is C2's: a missing or non-string requestId is C1's or C8's finding.
    """
    found = trace_members(exchange)
    if found is None:
        return None
    members, prefix = found
    value = members.get("requestId")
    if not isinstance(value, str):
        return None
    if value == "":
        fail(
            "requestId is empty",
            received='""',
            expected="a non-empty string, in any format",
            at=json_path(*prefix, "requestId"),
        )
    return JUDGED


@clause_check("C3")
def timestamp_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C3: ``timestamp`` is an RFC 3339 date-time in UTC (``Z``, ``+00:00`` or ``-00:00``, any
    fraction)."""
    found = trace_members(exchange)
    if found is None:
        return None
    members, prefix = found
    value = members.get("timestamp")
    if not isinstance(value, str):
        return None  # presence and type belong to C1 and C8
    kind = classify_timestamp(value)
    if kind != "utc":
        fail(
            "Timestamp is not in UTC" if kind == "not_utc" else "Timestamp is not RFC 3339",
            received=render(value),
            expected="an RFC 3339 date-time in UTC, ending in Z, +00:00 or -00:00",
            at=json_path(*prefix, "timestamp"),
        )
    return JUDGED
