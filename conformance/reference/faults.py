"""Injectable faults: realistic bugs, each breaking one contract clause, for the suite's self-tests.

A fault never touches the conforming handlers. It is a ``FaultLayer`` (an ASGI middleware
that rewrites the request or the response of one exchange, or holds a request without
answering it), a change to the app's ``Settings`` (a wrong constant, as a real bug would
have), or a rewrite of what the update worker applies (``updates``). ``create_app(faults=[...])``
switches them on per app instance. The faults under C21 leave every answer correct: they
break only what the API does, which a client sees by reading the incidents back.

Each fault names the contract clause under which the suite must catch it (``clause``).
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from starlette.responses import Response

from conformance.basic_auth import basic_authorization, parse_basic
from conformance.openapi import BULK_UPDATE_PATH, corrected_document
from conformance.reference.accounts import READ_SCOPE
from conformance.reference.body import BodyError, batch_errors, parse_body
from conformance.reference.fault_layer import BufferedRequest, BufferedResponse, FaultHooks
from conformance.reference.responses import (
    JSON_MEDIA_TYPE,
    PROBLEM_MEDIA_TYPE,
    problem_response,
)
from conformance.reference.state import ReferenceState, Settings
from conformance.reference.store import CLEARABLE_FIELDS
from conformance.reference.worker import UpdateRewrite

__all__ = ["FAULTS", "Fault", "FaultContext", "resolve_faults"]


@dataclass
class FaultContext:
    """Handed to a fault's hooks: the app's state, and memory private to this app instance."""

    state: ReferenceState
    memory: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    name: str
    clause: str
    """The contract clause (``C1``..``C22``) under which the suite must report this fault."""
    description: str
    """The bug it imitates, and what a client sees."""
    hooks: FaultHooks = field(default_factory=FaultHooks)
    settings: Callable[[Settings], Settings] | None = None
    updates: Callable[[FaultContext], UpdateRewrite] | None = None
    """Makes, per app instance, the rewrite the worker applies to each update before storing it."""


Document = dict[str, Any]
# Rewrites edit the document in place; whatever they return is ignored.
Rewrite = Callable[[Document, BufferedRequest, FaultContext], object]


# --- helpers ---------------------------------------------------------------------------------


def _unassigns(request: BufferedRequest) -> bool:
    body = request.json()
    items = body.get("items") if isinstance(body, dict) else None
    # Any body may come here, invalid ones included: only a list of items is looked into.
    return (
        _is_bulk(request)
        and isinstance(items, list)
        and any(isinstance(item, dict) and item.get("removeAssignee") is True for item in items)
    )


def _is_bulk(request: BufferedRequest) -> bool:
    return request.method == "POST" and request.path == BULK_UPDATE_PATH


def _request_items(request: BufferedRequest) -> list[Mapping[str, Any]]:
    body = request.json()
    items = body.get("items") if isinstance(body, dict) else None
    return [item for item in items or () if isinstance(item, dict)]


def _on_success(rewrite: Rewrite, *, bulk_only: bool = False) -> FaultHooks:
    def hook(
        request: BufferedRequest, response: BufferedResponse, context: Any
    ) -> BufferedResponse:
        document = response.json()
        if (
            200 <= response.status < 300
            and response.media_type == JSON_MEDIA_TYPE
            and isinstance(document, dict)
            and (_is_bulk(request) or not bulk_only)
        ):
            rewrite(document, request, context)
            response.set_json(document)
        return response

    return FaultHooks(on_response=hook)


def _on_outcome(rewrite: Rewrite) -> FaultHooks:
    """Rewrites the ``data`` of a 200 bulk-update answer."""

    def on_data(document: Document, request: BufferedRequest, context: FaultContext) -> None:
        data = document.get("data")
        if isinstance(data, dict):
            data.setdefault("accepted", [])
            data.setdefault("forbidden", [])
            rewrite(data, request, context)

    return _on_success(on_data, bulk_only=True)


def _on_problem(
    rewrite: Callable[[BufferedResponse, Document], object], statuses: Iterable[int] = ()
) -> FaultHooks:
    wanted = frozenset(statuses)

    def hook(
        request: BufferedRequest, response: BufferedResponse, context: Any
    ) -> BufferedResponse:
        document = response.json()
        if (
            response.media_type == PROBLEM_MEDIA_TYPE
            and isinstance(document, dict)
            and (not wanted or response.status in wanted)
        ):
            rewrite(response, document)
            response.set_json(document)
        return response

    return FaultHooks(on_response=hook)


def _buffered(response: Response) -> BufferedResponse:
    return BufferedResponse(
        status=response.status_code, headers=list(response.raw_headers), body=bytes(response.body)
    )


def _crash(request: BufferedRequest) -> BufferedResponse:
    """What the server's own exception handler makes of an unhandled exception."""
    detail = "an unexpected error occurred"
    return _buffered(problem_response(500, "INTERNAL_ERROR", detail, instance=request.path))


def _crash_when(
    predicate: Callable[[BufferedRequest], bool], *, instead_of: int = 400
) -> FaultHooks:
    """A 500 where the conforming server answers ``instead_of``: on this input, past auth.

    ``instead_of=400`` is a crash in model binding or validation; ``200`` a crash in the
    handler itself, after the body has passed validation.
    """

    def hook(
        request: BufferedRequest, response: BufferedResponse, context: Any
    ) -> BufferedResponse:
        if _is_bulk(request) and response.status == instead_of and predicate(request):
            return _crash(request)
        return response

    return FaultHooks(on_response=hook)


def _timestamp_in(offset_hours: int, *, with_offset: bool = True) -> str:
    zone = timezone(timedelta(hours=offset_hours))
    text = datetime.now(zone).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"
    return text + (f"+{offset_hours:02d}:00" if with_offset else "")


def _stamp_everywhere(stamp: Callable[[], str]) -> FaultHooks:
    def hook(
        request: BufferedRequest, response: BufferedResponse, context: Any
    ) -> BufferedResponse:
        document = response.json()
        if not isinstance(document, dict):
            return response
        meta = document.get("meta")
        if isinstance(meta, dict) and "timestamp" in meta:
            meta["timestamp"] = stamp()
        if response.media_type == PROBLEM_MEDIA_TYPE and "timestamp" in document:
            document["timestamp"] = stamp()
        response.set_json(document)
        return response

    return FaultHooks(on_response=hook)


@cache
def _enum_fields() -> dict[str, tuple[Any, ...]]:
    """Each ``UpdateIncidentRequest`` property whose schema is (or wraps) an enum: its members,
    in the spec's order."""
    schemas = corrected_document()["components"]["schemas"]
    fields: dict[str, tuple[Any, ...]] = {}
    for name, schema in schemas["UpdateIncidentRequest"]["properties"].items():
        # The corrections turn some of the spec's oneOf wrappers into anyOf (S7): read both.
        for branch in [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]:
            target = branch.get("$ref", "").rpartition("/")[2]
            if "enum" in schemas.get(target, {}):
                fields[name] = tuple(schemas[target]["enum"])
    return fields


# --- faults whose logic needs more than a line --------------------------------------------


def _drop_unknown_enums(request: BufferedRequest, context: Any) -> BufferedRequest:
    body = request.json()
    items = body.get("items") if isinstance(body, dict) else None
    if not _is_bulk(request) or not isinstance(items, list):
        return request
    fields = _enum_fields()
    for item in items:
        for name, members in fields.items():
            value = item.get(name) if isinstance(item, dict) else None
            if isinstance(value, str) and value not in members:
                del item[name]
    request.body = _json_bytes(body)
    return request


def _bind_enums_by_index(index_of: Callable[[Any], int | None]) -> FaultHooks:
    """A lenient enum binder: a value ``index_of`` reads as an index in range of an enum's
    members becomes that member, in every enum-typed property of every item.

    The index counts the members in the spec's order, without ``null``: a .NET enum has no
    null member, and its members are numbered from 0 in declaration order.
    """

    def hook(request: BufferedRequest, context: Any) -> BufferedRequest:
        body = request.json()
        items = body.get("items") if isinstance(body, dict) else None
        if not _is_bulk(request) or not isinstance(items, list):
            return request
        bound = False
        for item in items:
            for name, members in _enum_fields().items():
                if not isinstance(item, dict) or name not in item:
                    continue
                named = [member for member in members if member is not None]
                index = index_of(item[name])
                if index is not None and 0 <= index < len(named):
                    item[name] = named[index]
                    bound = True
        if bound:
            request.body = _json_bytes(body)
        return request

    return FaultHooks(on_request=hook)


def _integer(value: Any) -> int | None:
    # bool is an int in Python, but JSON true/false are not numbers.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _numeric_string(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


# Whitespace as JSON defines it, then the bracket a trailing comma would stand before.
_CLOSING_AFTER_COMMA = re.compile(r"[ \t\r\n]*[}\]]")


def _without_trailing_commas(text: str) -> str:
    """``text`` without the commas that follow a value and precede a closing bracket.

    String contents are left alone, and so are commas after ``[``, ``{`` or another comma:
    a lenient reader allows ``[1,]``, not ``[,]``.
    """
    kept: list[str] = []
    in_string = escaped = False
    previous = ""  # the last character kept outside whitespace
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif (
            char == ","
            and previous not in ("", "[", "{", ",")
            and _CLOSING_AFTER_COMMA.match(text, index + 1)
        ):
            continue
        kept.append(char)
        if in_string or not char.isspace():
            previous = char
    return "".join(kept)


def _read_trailing_commas(request: BufferedRequest, context: Any) -> BufferedRequest:
    """Hands the handler the strict JSON a lenient reader makes of a trailing-comma body."""
    if not _is_bulk(request) or not request.body or request.json() is not None:
        return request
    try:
        lenient = _without_trailing_commas(request.body.decode("utf-8"))
        json.loads(lenient)
    except (ValueError, RecursionError):
        return request
    request.body = lenient.encode("utf-8")
    return request


def _json_bytes(document: Any) -> bytes:
    response = BufferedResponse(status=200, headers=[], body=b"")
    response.set_json(document)
    return response.body


def _fill_in_empty_secret(request: BufferedRequest, context: Any) -> BufferedRequest:
    scheme, _, parameter = (request.header("authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return request
    try:
        client_id, secret = parse_basic(parameter)
    except ValueError:
        return request
    for account in context.state.credentials.accounts:
        if not secret and account.client_id == client_id:
            request.set_header(
                "authorization", basic_authorization(account.client_id, account.secret)
            )
    return request


def _unauthenticated_as_403(response: BufferedResponse, problem: Document) -> None:
    response.status = 403
    response.set_header("www-authenticate", None)
    problem.update(status=403, title="Forbidden", code="FORBIDDEN")


def _validate_before_auth(
    request: BufferedRequest, response: BufferedResponse, context: Any
) -> BufferedResponse:
    if not _is_bulk(request) or response.status != 401 or request.body is None:
        return response
    state: ReferenceState = context.state
    try:
        body = parse_body(request.header("content-type"), request.body)
    except BodyError as exc:
        return _buffered(problem_response(400, "BAD_REQUEST", str(exc), instance=request.path))
    items = body.value.get("items") if isinstance(body.value, dict) else None
    errors = batch_errors(items, state.settings.max_items) if isinstance(items, list) else {}
    errors = errors or (state.validator.errors(body.value) if body.present else {})
    if not errors:
        return response
    detail = "the request body is invalid"
    return _buffered(
        problem_response(400, "VALIDATION_ERROR", detail, instance=request.path, errors=errors)
    )


def _truncate_batch(request: BufferedRequest, context: Any) -> BufferedRequest:
    body = request.json()
    cap = context.state.settings.max_items
    if _is_bulk(request) and isinstance(body, dict) and isinstance(body.get("items"), list):
        body["items"] = body["items"][:cap]
        request.body = _json_bytes(body)
    return request


def _repeat_duplicates(data: Document, request: BufferedRequest, context: FaultContext) -> None:
    accepted = set(data["accepted"])
    ids = [item.get("id") for item in _request_items(request)]
    data["accepted"] = [incident_id for incident_id in ids if incident_id in accepted]


def _leak_previous(data: Document, request: BufferedRequest, context: FaultContext) -> None:
    requested = {item.get("id") for item in _request_items(request)}
    previous: list[str] = context.memory.get("accepted", [])
    context.memory["accepted"] = list(data["accepted"])
    data["accepted"].extend(i for i in previous if i not in requested)


def _move_forbidden(
    should_accept: Callable[[Mapping[str, Any], FaultContext], bool], *, keep: bool = False
) -> Callable[[Document, BufferedRequest, FaultContext], None]:
    def rewrite(data: Document, request: BufferedRequest, context: FaultContext) -> None:
        moved = [f for f in data["forbidden"] if isinstance(f, dict) and should_accept(f, context)]
        data["accepted"].extend(entry["incidentId"] for entry in moved)
        if not keep:
            data["forbidden"] = [f for f in data["forbidden"] if f not in moved]

    return rewrite


def _is_unknown(entry: Mapping[str, Any], context: FaultContext) -> bool:
    return context.state.store.workspace_of(str(entry.get("incidentId"))) is None


def _is_writable(entry: Mapping[str, Any], context: FaultContext) -> bool:
    return context.state.sandbox.is_writable(str(entry.get("incidentId")))


def _is_foreign_with_own_workspace(entry: Mapping[str, Any], context: FaultContext) -> bool:
    incident_id = str(entry.get("incidentId"))
    home = context.state.store.workspace_of(incident_id)
    return (
        home is not None
        and not context.state.sandbox.is_writable(incident_id)
        and entry.get("workspaceId") == home
    )


def _is_foreign_hinted_into_a_writable_workspace(
    entry: Mapping[str, Any], context: FaultContext
) -> bool:
    incident_id = str(entry.get("incidentId"))
    home = context.state.store.workspace_of(incident_id)
    sandbox = context.state.sandbox
    writable_workspaces = {incident.workspace for incident in sandbox.writable}
    return (
        home is not None
        and not sandbox.is_writable(incident_id)
        and entry.get("workspaceId") in writable_workspaces - {home}
    )


def _own_workspace_instead_of_hint(
    data: Document, request: BufferedRequest, context: FaultContext
) -> None:
    for entry in data["forbidden"]:
        entry["workspaceId"] = context.state.store.workspace_of(str(entry.get("incidentId")))


def _set_success(path: tuple[str, str], value: Any) -> Rewrite:
    def rewrite(document: Document, request: BufferedRequest, context: FaultContext) -> None:
        parent = document.get(path[0])
        if isinstance(parent, dict):
            parent[path[1]] = value

    return rewrite


def _serve_success_as_text(
    request: BufferedRequest, response: BufferedResponse, context: Any
) -> BufferedResponse:
    if 200 <= response.status < 300 and response.media_type == JSON_MEDIA_TYPE:
        response.set_header("content-type", "text/plain; charset=utf-8")
    return response


def _legacy_envelope(response: BufferedResponse, problem: Document) -> None:
    legacy = {"error": {"code": problem.get("code"), "message": problem.get("detail")}}
    problem.clear()
    problem.update(legacy)
    response.set_header("content-type", JSON_MEDIA_TYPE)


def _errors_as_list(response: BufferedResponse, problem: Document) -> None:
    errors = problem.get("errors")
    if isinstance(errors, dict):
        problem["errors"] = [f"{path}: {m}" for path, msgs in errors.items() for m in msgs]


def _detail_as_list(response: BufferedResponse, problem: Document) -> None:
    errors = problem.get("errors")
    if isinstance(errors, dict):
        problem["detail"] = [m for messages in errors.values() for m in messages]


def _only_code(code: str, change: Callable[[Document], None]) -> Callable[..., None]:
    def rewrite(response: BufferedResponse, problem: Document) -> None:
        if problem.get("code") == code:
            change(problem)

    return rewrite


def _items_have_null_id(request: BufferedRequest) -> bool:
    body = request.json()
    items = body.get("items") if isinstance(body, dict) else None
    return isinstance(items, list) and any(
        isinstance(item, dict) and "id" in item and item["id"] is None for item in items
    )


def _body_is_array(request: BufferedRequest) -> bool:
    return isinstance(request.json(), list)


def _any_id(predicate: Callable[[str], bool]) -> Callable[[BufferedRequest], bool]:
    def matches(request: BufferedRequest) -> bool:
        ids = (item.get("id") for item in _request_items(request))
        return any(isinstance(incident_id, str) and predicate(incident_id) for incident_id in ids)

    return matches


ID_COLUMN_LENGTH = 64
"""The id column of the store ``500-on-overlong-id`` imitates."""

RANDOM_CRASH_SHARE = 0.2
"""How often ``500-at-random`` crashes a valid request: one in five."""
RANDOM_CRASH_SEED = 0
"""Its draws are seeded per app instance, so the same requests in the same order crash alike."""


def _crash_at_random(
    request: BufferedRequest, response: BufferedResponse, context: FaultContext
) -> BufferedResponse:
    """A valid bulk update that reached the handler crashes now and then, whatever it holds."""
    if not _is_bulk(request) or response.status != 200:
        return response
    draws = context.memory.setdefault("draws", random.Random(RANDOM_CRASH_SEED))
    return _crash(request) if draws.random() < RANDOM_CRASH_SHARE else response


# --- faults in what the API does (C21): the answer stays right --------------------------------

LOST_UPDATE_PERIOD = 3
"""``lose-every-third-update`` loses one update in this many, counted per app instance."""


def _lose_every_third(context: FaultContext) -> UpdateRewrite:
    count = itertools.count(1)

    def rewrite(item: Mapping[str, Any]) -> Mapping[str, Any] | None:
        return None if next(count) % LOST_UPDATE_PERIOD == 0 else item

    return rewrite


def _to_the_next_incident(context: FaultContext) -> UpdateRewrite:
    def rewrite(item: Mapping[str, Any]) -> Mapping[str, Any]:
        return {**item, "id": context.state.store.neighbour(str(item["id"]))}

    return rewrite


def _without(
    *names: str, when: Callable[[Mapping[str, Any]], bool]
) -> Callable[[FaultContext], UpdateRewrite]:
    def make(context: FaultContext) -> UpdateRewrite:
        def rewrite(item: Mapping[str, Any]) -> Mapping[str, Any]:
            return {k: v for k, v in item.items() if k not in names} if when(item) else item

        return rewrite

    return make


def _sets_status(item: Mapping[str, Any]) -> bool:
    return item.get("status") is not None


def _sends(item: Mapping[str, Any], field_name: str) -> bool:
    """Does the item say anything about this clearable incident field?"""
    if field_name == "assignee":
        return item.get("user") is not None or item.get("removeAssignee") is True
    return item.get(field_name) is not None


def _wipe_omitted(context: FaultContext) -> UpdateRewrite:
    def rewrite(item: Mapping[str, Any]) -> Mapping[str, Any]:
        omitted = [name for name in CLEARABLE_FIELDS if not _sends(item, name)]
        context.state.store.clear(str(item["id"]), omitted)
        return item

    return rewrite


def _write_forbidden(
    request: BufferedRequest, response: BufferedResponse, context: FaultContext
) -> BufferedResponse:
    """Queues the items the answer refuses, for every incident that exists."""
    document = response.json()
    data = document.get("data") if isinstance(document, dict) else None
    if not _is_bulk(request) or response.status != 200 or not isinstance(data, dict):
        return response
    forbidden = data.get("forbidden") or ()
    refused = {entry.get("incidentId") for entry in forbidden if isinstance(entry, dict)}
    store = context.state.store
    context.state.worker.submit(
        item
        for item in _request_items(request)
        if item.get("id") in refused and store.workspace_of(str(item.get("id"))) is not None
    )
    return response


# --- the registry ---------------------------------------------------------------------------

_ALL = (
    Fault(
        "no-meta",
        "C1",
        "A handler builds its success envelope by hand and leaves out `meta`.",
        _on_success(lambda doc, req, ctx: doc.pop("meta", None)),
    ),
    Fault(
        "success-as-text",
        "C1",
        "The success body is written straight to the stream, so it goes out as text/plain.",
        FaultHooks(on_response=_serve_success_as_text),
    ),
    Fault(
        "missing-request-id",
        "C2",
        "`meta.requestId` is copied from a gateway header that is not set, so it is empty.",
        _on_success(_set_success(("meta", "requestId"), "")),
    ),
    Fault(
        "local-timestamp",
        "C3",
        "Timestamps are formatted in the server's local time zone (+02:00), not UTC.",
        _stamp_everywhere(lambda: _timestamp_in(2)),
    ),
    Fault(
        "naive-timestamp",
        "C3",
        "Timestamps come from a DateTime of unspecified kind: no offset, so not RFC 3339.",
        _stamp_everywhere(lambda: _timestamp_in(0, with_offset=False)),
    ),
    Fault(
        "problem-as-json",
        "C5",
        "Problems are serialised by the default JSON formatter: application/json.",
        _on_problem(lambda response, doc: response.set_header("content-type", JSON_MEDIA_TYPE)),
    ),
    Fault(
        "legacy-error-envelope",
        "C5",
        'Errors use the v1 envelope {"error": {"code", "message"}} as application/json.',
        _on_problem(_legacy_envelope),
    ),
    Fault(
        "status-mismatch",
        "C6",
        "The problem factory hard-codes `status: 400`, whatever the HTTP status is.",
        _on_problem(lambda response, doc: doc.update(status=400)),
    ),
    Fault(
        "missing-code",
        "C7",
        "The authentication layer writes its problems without the `code` extension.",
        _on_problem(lambda response, doc: doc.pop("code", None), statuses=(401, 403)),
    ),
    Fault(
        "wrong-code",
        "C7",
        "A shifted exception-to-code table labels validation failures `NOT_FOUND`.",
        _on_problem(_only_code("VALIDATION_ERROR", lambda doc: doc.update(code="NOT_FOUND"))),
    ),
    Fault(
        "problem-without-trace",
        "C8",
        "Problems come from the framework's default factory: no `requestId`, no `timestamp`.",
        _on_problem(lambda response, doc: [doc.pop(k, None) for k in ("requestId", "timestamp")]),
    ),
    Fault(
        "validation-without-errors",
        "C9",
        "A VALIDATION_ERROR problem drops the `errors` map, so the client cannot tell which field.",
        _on_problem(_only_code("VALIDATION_ERROR", lambda doc: doc.pop("errors", None))),
    ),
    Fault(
        "errors-as-list",
        "C9",
        '`errors` is a flat list of "path: message" strings instead of a map of lists.',
        _on_problem(_errors_as_list),
    ),
    Fault(
        "detail-as-list",
        "C10",
        "A validation problem's `detail` is the list of messages instead of a string.",
        _on_problem(_detail_as_list),
    ),
    Fault(
        "accept-unknown-enum",
        "C11",
        "A lenient deserialiser drops enum strings it does not know, so the item gets a 200.",
        FaultHooks(on_request=_drop_unknown_enums),
    ),
    Fault(
        "enum-from-integer",
        "C11",
        "Enums bind like .NET's default JsonStringEnumConverter: an integer in range is the "
        'member at that index (`"status": 2` is `Closed`), in every enum field.',
        _bind_enums_by_index(_integer),
    ),
    Fault(
        "enum-from-numeric-string",
        "C11",
        'Enum strings go through Enum.TryParse, which reads digits as an index: `"status": "2"` '
        "is `Closed`, in every enum field.",
        _bind_enums_by_index(_numeric_string),
    ),
    Fault(
        "trailing-commas-accepted",
        "C11",
        "The body is read by a lenient JSON parser: trailing commas are allowed, so such a body "
        "is processed like the strict one.",
        FaultHooks(on_request=_read_trailing_commas),
    ),
    Fault(
        "empty-secret-accepted",
        "C12",
        "Basic `clientId:` with an empty secret skips the secret comparison and is let in.",
        FaultHooks(on_request=_fill_in_empty_secret),
    ),
    Fault(
        "unauthenticated-as-403",
        "C12",
        "Failed authentication is answered 403 instead of 401, without WWW-Authenticate.",
        _on_problem(_unauthenticated_as_403, statuses=(401,)),
    ),
    Fault(
        "validate-before-auth",
        "C13",
        "Model validation runs before authentication: an anonymous invalid body gets a 400.",
        FaultHooks(on_response=_validate_before_auth),
    ),
    Fault(
        "no-scope-accepted",
        "C14",
        "The endpoint demands `incidents:read` (copied from the GET route) instead of write.",
        settings=lambda settings: replace(settings, write_scope=READ_SCOPE),
    ),
    Fault(
        "500-on-null-id",
        "C15",
        'An item with `"id": null` passes model binding and crashes the handler: 500.',
        _crash_when(_items_have_null_id),
    ),
    Fault(
        "500-on-non-object-body",
        "C15",
        "A JSON array body is cast to the request object and crashes the handler: 500.",
        _crash_when(_body_is_array),
    ),
    Fault(
        "500-on-overlong-id",
        "C15",
        f"Ids go unchecked into a {ID_COLUMN_LENGTH}-character column, so a valid request with a "
        "longer id crashes the lookup: 500.",
        _crash_when(_any_id(lambda i: len(i) > ID_COLUMN_LENGTH), instead_of=200),
    ),
    Fault(
        "500-on-non-ascii-id",
        "C15",
        "Ids are encoded as ASCII for the lookup key, so a valid request with any other "
        "character in an id crashes: 500.",
        _crash_when(_any_id(lambda i: not i.isascii()), instead_of=200),
    ),
    Fault(
        "500-at-random",
        "C15",
        "A connection pool now and then hands the handler a stale connection: one valid request "
        "in five, drawn at random (seeded per server), crashes with a 500; sent again, it "
        "usually succeeds.",
        FaultHooks(on_response=_crash_at_random),
    ),
    Fault(
        "drop-unknown-ids",
        "C16",
        "Ids that match no incident are silently dropped instead of answered as forbidden.",
        _on_outcome(
            lambda data, req, ctx: data.update(
                forbidden=[f for f in data["forbidden"] if not _is_unknown(f, ctx)]
            )
        ),
    ),
    Fault(
        "cap-truncates",
        "C16",
        "A batch over the cap is cut to its first `max_items` items and answered 200.",
        FaultHooks(on_request=_truncate_batch),
    ),
    Fault(
        "duplicate-accepted",
        "C17",
        "`accepted` is built per item, not per distinct id: a duplicated id appears twice.",
        _on_outcome(_repeat_duplicates),
    ),
    Fault(
        "both-lists",
        "C17",
        "Writable incidents refused for a wrong workspace hint are also listed as accepted.",
        _on_outcome(_move_forbidden(_is_writable, keep=True)),
    ),
    Fault(
        "leak-previous-id",
        "C17",
        "A result list reused across requests: the previous answer's accepted ids leak in.",
        _on_outcome(_leak_previous),
    ),
    Fault(
        "forbidden-wrong-workspace",
        "C19",
        "A forbidden entry names the incident's own workspace, not the one the request named.",
        _on_outcome(_own_workspace_instead_of_hint),
    ),
    Fault(
        "empty-reason",
        "C19",
        "Forbidden entries carry an empty `reason`.",
        _on_outcome(lambda data, req, ctx: [f.update(reason="") for f in data["forbidden"]]),
    ),
    Fault(
        "accept-foreign",
        "C20",
        "The workspace-role check is skipped: a foreign incident is accepted (auth bypass).",
        _on_outcome(_move_forbidden(_is_foreign_with_own_workspace)),
    ),
    Fault(
        "trust-workspace-hint",
        "C20",
        "The role is checked on the workspace the request names, not the incident's own: a "
        "foreign incident named with one of the caller's workspaces is accepted.",
        _on_outcome(_move_forbidden(_is_foreign_hinted_into_a_writable_workspace)),
    ),
    Fault(
        "accept-unknown-id",
        "C20",
        "An id that matches no incident is assumed to be in the caller's workspace: accepted.",
        _on_outcome(_move_forbidden(_is_unknown)),
    ),
    Fault(
        "ignore-workspace-hint",
        "C20",
        "The request's workspace is ignored: a writable incident named with another is accepted.",
        _on_outcome(_move_forbidden(_is_writable)),
    ),
    Fault(
        "hang-on-array-body",
        "C22",
        "The body reader spins on a top-level JSON array: that request is never answered (the "
        "connection stays open until the client gives up); every other request is.",
        FaultHooks(holds=lambda request, context: _body_is_array(request)),
    ),
    Fault(
        "blank-reason",
        "C19",
        "The reason is padded to a fixed width before its text is filled in, which never "
        "happens: every forbidden entry's `reason` is a single space.",
        _on_outcome(lambda data, req, ctx: [f.update(reason=" ") for f in data["forbidden"]]),
    ),
    Fault(
        "lose-every-third-update",
        "C21a",
        "The queue between the API and its worker drops messages: every third accepted update "
        "is never applied. The answer lists it as accepted; the incident reads back unchanged.",
        updates=_lose_every_third,
    ),
    Fault(
        "drop-classification-with-status",
        "C21a",
        "The status-change path writes the status only: an item that sets `status` loses its "
        "`classification` and `classificationReason`, which read back unchanged.",
        updates=_without("classification", "classificationReason", when=_sets_status),
    ),
    Fault(
        "drop-comments",
        "C21a",
        "Comments go to a separate store whose writes fail silently: the rest of the update is "
        "applied, and the comment never appears among the incident's comments.",
        updates=_without("comment", when=lambda item: True),
    ),
    Fault(
        "ignore-remove-assignee",
        "C21a",
        "`removeAssignee` is missing from the worker's update model: the incident keeps its "
        "assignee after an accepted `removeAssignee: true`.",
        updates=_without("removeAssignee", when=lambda item: True),
    ),
    Fault(
        "stale-reads",
        "C21a",
        "The read side is served from a cache filled on its first read and never refreshed: "
        "updates are applied, but no read shows them, nor any later comment.",
        settings=lambda settings: replace(settings, read_cache_seconds=math.inf),
    ),
    Fault(
        "wipe-omitted-fields",
        "C21b",
        "Updates replace instead of patching (PUT semantics): the classification, reason and "
        "assignee an item leaves out are cleared.",
        updates=_wipe_omitted,
    ),
    Fault(
        "write-forbidden",
        "C21c",
        "Items are queued before they are authorised and only the answer is filtered: an "
        "existing incident answered as forbidden (foreign, or named with a wrong workspace) is "
        "written anyway, an authorisation bypass behind a correct answer.",
        FaultHooks(on_response=_write_forbidden),
    ),
    Fault(
        "update-next-incident",
        "C21d",
        "An off-by-one in the worker's lookup: each update lands on the incident listed after "
        "the named one in its workspace (the last one's lands on the first). The named "
        "incident stays unchanged and its neighbour changes.",
        updates=_to_the_next_incident,
    ),
    Fault(
        "later-update-first",
        "C21e",
        "Pending updates are taken from a stack, not a queue: of two requests to one incident "
        "sent within the apply delay of each other, the later is applied first, so the older "
        "value is what remains.",
        settings=lambda settings: replace(settings, pending_updates="stack"),
    ),
    Fault(
        "hang-on-unassign",
        "C22",
        "Unassigning waits on a lock the assignment service never releases: a request with an "
        'item carrying `"removeAssignee": true` is never answered, valid or not; every other '
        "request is.",
        FaultHooks(holds=lambda request, context: _unassigns(request)),
    ),
)

FAULTS: Mapping[str, Fault] = {fault.name: fault for fault in _ALL}


def resolve_faults(names: Iterable[str]) -> tuple[Fault, ...]:
    """The faults named, in order; ``ValueError`` lists the valid names for an unknown one."""
    resolved = []
    for name in names:
        if name not in FAULTS:
            valid = ", ".join(sorted(FAULTS))
            raise ValueError(f"unknown fault {name!r}; valid faults: {valid}")
        resolved.append(FAULTS[name])
    return tuple(dict.fromkeys(resolved))
