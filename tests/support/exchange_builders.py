"""Small builders for exchanges, so that each table row reads as the case it covers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from conformance.checks import NO_BODY, Exchange, Intent, Request, RequestBody

URL = "https://sandbox.example/api/v2/incidents/across-workspaces/bulk-update"
REQUEST_ID = "0HNLBAGCRD4RN:00000003"
TIMESTAMP = "2026-04-15T20:00:00.0000000+00:00"
AUTH = {"Authorization": "Basic Y2xpZW50OnNlY3JldA==", "Content-Type": "application/json"}


@dataclass(frozen=True)
class FakeResponse:
    """Satisfies the checks' Response protocol without any HTTP library."""

    status_code: int
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes = b""


def as_bytes(body: Any) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


def response(status: int, body: Any, content_type: str | None, **headers: str) -> FakeResponse:
    """A response; keyword arguments are further headers (``Allow="POST"``)."""
    if content_type is not None:
        headers = {"Content-Type": content_type, **headers}
    return FakeResponse(status, headers, as_bytes(body))


def success_body(
    accepted: Any = (), forbidden: Any = (), *, meta: Any = None, **extra: Any
) -> dict[str, Any]:
    data = {
        "accepted": list(accepted) if isinstance(accepted, tuple) else accepted,
        "forbidden": list(forbidden) if isinstance(forbidden, tuple) else forbidden,
    }
    default_meta = {"requestId": REQUEST_ID, "timestamp": TIMESTAMP}
    return {"data": data, "meta": default_meta if meta is None else meta, **extra}


def success(
    accepted: Any = (),
    forbidden: Any = (),
    *,
    content_type: str | None = "application/json",
    status: int = 200,
    **extra: Any,
) -> FakeResponse:
    return response(status, success_body(accepted, forbidden, **extra), content_type)


def problem_body(status: Any, code: Any, **members: Any) -> dict[str, Any]:
    body = {
        "type": "about:blank",
        "title": "One or more validation errors occurred.",
        "status": status,
        "code": code,
        "requestId": REQUEST_ID,
        "timestamp": TIMESTAMP,
    }
    if code == "VALIDATION_ERROR":
        body["errors"] = {"items[0].status": ["The value 'Foo' is not valid."]}
    body.update(members)
    return {key: value for key, value in body.items() if value is not DROP}


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


DROP: Any = _Drop()


UNSET: Any = object()


def problem(
    status: int,
    code: Any = UNSET,
    *,
    content_type: str | None = "application/problem+json",
    body_status: Any = UNSET,
    **members: Any,
) -> FakeResponse:
    """A problem for ``status``; ``body_status`` overrides the member, DROP removes a member."""
    code = _default_code(status) if code is UNSET else code
    body = problem_body(status if body_status is UNSET else body_status, code, **members)
    return response(status, body, content_type)


def _default_code(status: int) -> str:
    return {400: "VALIDATION_ERROR", 403: "INSUFFICIENT_WORKSPACE_ROLE", 404: "NOT_FOUND"}.get(
        status, f"HTTP_{status}"
    )


def item(incident_id: Any, workspace: Any = None, **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": incident_id, **fields}
    if workspace is not None:
        entry["workspace"] = workspace
    return entry


def bulk(*items: Mapping[str, Any]) -> dict[str, Any]:
    return {"items": list(items)}


def request(body: RequestBody = NO_BODY, headers: Mapping[str, str] = AUTH) -> Request:
    return Request("POST", URL, headers, body)


def forbid(
    incident_id: Any, workspace: Any = "ws-foreign", reason: Any = "NoWorkspaceRole"
) -> dict[str, Any]:
    return {"incidentId": incident_id, "workspaceId": workspace, "reason": reason}


def exchange(
    resp: FakeResponse,
    body: RequestBody = NO_BODY,
    intent: Intent | None = None,
    *,
    ids: Sequence[str] = (),
) -> Exchange:
    """An exchange; ``ids`` is a shortcut for a request body of items with those ids."""
    if ids:
        body = bulk(*(item(i) for i in ids))
    return Exchange(request(body), resp, intent or Intent())
