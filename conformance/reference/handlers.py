"""The conforming request handlers. No fault branches live here (see ``faults``)."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.openapi import BULK_UPDATE_PATH
from conformance.reference.accounts import WWW_AUTHENTICATE, AuthFailure, authenticate
from conformance.reference.body import BodyError, batch_errors, parse_body
from conformance.reference.outcomes import BulkDecision, decide
from conformance.reference.responses import problem_response, success_response
from conformance.reference.state import ReferenceState
from conformance.reference.store import IncidentStore

__all__ = [
    "COMMENTS_PATH",
    "READ_BACK_PATH",
    "STATUS_CODES",
    "http_exception_problem",
    "internal_error_problem",
    "routes",
]

READ_BACK_PATH = "/api/v2/workspaces/{workspaceId}/incidents/{source}/{incidentId}"
COMMENTS_PATH = READ_BACK_PATH + "/comments"

# The one code-per-status table for problems this server raises without a more specific code.
STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def _state(request: Request) -> ReferenceState:
    state: ReferenceState = request.app.state.reference
    return state


def _problem(request: Request, status: int, code: str, detail: str, **extra: Any) -> Response:
    return problem_response(status, code, detail, instance=request.url.path, **extra)


def _authenticate(request: Request, state: ReferenceState, scope: str) -> Response | None:
    """A 401 or 403 problem, or None when the caller holds ``scope`` (C12-C14)."""
    try:
        account = authenticate(request.headers.get("authorization"), state.credentials.accounts)
    except AuthFailure as failure:
        challenge = {"WWW-Authenticate": WWW_AUTHENTICATE}
        return _problem(request, 401, "UNAUTHORIZED", str(failure), headers=challenge)
    request.state.account = account
    if scope not in account.scopes:
        return _problem(
            request, 403, "INSUFFICIENT_SCOPE", f"the credential lacks the {scope!r} scope"
        )
    return None


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    # isascii: "²".isdigit() is true, but int() refuses it.
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def bulk_update(request: Request) -> Response:
    state = _state(request)
    # C13: nothing about the body is looked at before the caller is known.
    denied = _authenticate(request, state, state.settings.write_scope)
    if denied is not None:
        return denied
    raw = await _read_limited(request, state.settings.max_body_bytes)
    if raw is None:
        limit = state.settings.max_body_bytes
        return _problem(request, 413, "PAYLOAD_TOO_LARGE", f"the body exceeds {limit} bytes")
    try:
        body = parse_body(request.headers.get("content-type"), raw)
    except BodyError as exc:
        return _problem(request, 400, "BAD_REQUEST", str(exc))
    if not body.present:
        return success_response(BulkDecision().as_dto())
    items = body.value.get("items") if isinstance(body.value, dict) else None
    errors = batch_errors(items, state.settings.max_items) if isinstance(items, list) else {}
    # The cap is checked first: an oversized batch is refused without validating every item.
    errors = errors or state.validator.errors(body.value)
    if errors:
        return _problem(
            request, 400, "VALIDATION_ERROR", "the request body is invalid", errors=errors
        )
    decision = decide(items or [], request.state.account, state.store)
    state.worker.submit(decision.updates)
    return success_response(decision.as_dto())


def _readable(request: Request, state: ReferenceState) -> Response | IncidentStore:
    """The store to read the named incident from, or the problem that answers instead."""
    denied = _authenticate(request, state, state.settings.read_scope)
    if denied is not None:
        return denied
    workspace = request.path_params["workspaceId"]
    # Role before existence: a caller learns nothing about workspaces it has no role on.
    if workspace not in request.state.account.workspaces:
        detail = "the credential has no role on this workspace"
        return _problem(request, 403, "INSUFFICIENT_WORKSPACE_ROLE", detail)
    store = state.reads.view()
    incident = store.snapshot(request.path_params["incidentId"])
    if (
        incident is None
        or incident["workspaceId"] != workspace
        or incident["incidentSource"] != request.path_params["source"]
    ):
        return _problem(request, 404, "NOT_FOUND", "no such incident in this workspace")
    return store


async def read_incident(request: Request) -> Response:
    store = _readable(request, _state(request))
    if isinstance(store, Response):
        return store
    return success_response(store.snapshot(request.path_params["incidentId"]))


async def read_comments(request: Request) -> Response:
    """The incident's comments, oldest first: ``[{"message", "createdAt"}]``."""
    store = _readable(request, _state(request))
    if isinstance(store, Response):
        return store
    return success_response(store.comments(request.path_params["incidentId"]))


def http_exception_problem(request: Request, exc: Exception) -> Response:
    """Routing errors (404 unknown path, 405 wrong method) as problems too (C5)."""
    assert isinstance(exc, HTTPException)
    code = STATUS_CODES.get(exc.status_code, f"HTTP_{exc.status_code}")
    return _problem(request, exc.status_code, code, str(exc.detail), headers=exc.headers)


def internal_error_problem(request: Request, exc: Exception) -> Response:
    """A bug in this server still answers with a problem; C15 makes any 500 a finding."""
    return _problem(request, 500, "INTERNAL_ERROR", "an unexpected error occurred")


def routes() -> list[Route]:
    return [
        Route(BULK_UPDATE_PATH, bulk_update, methods=["POST"]),
        Route(READ_BACK_PATH, read_incident, methods=["GET"]),
        Route(COMMENTS_PATH, read_comments, methods=["GET"]),
    ]
