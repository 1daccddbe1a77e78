"""The wire format of every answer: the success envelope (C1-C3) and problem details (C5-C10).

Both carry a ``requestId`` in the vendor's ASP.NET trace-identifier style and a UTC timestamp
with seven fractional digits, the form .NET's round-trip ``"o"`` format produces.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from starlette.responses import Response

__all__ = [
    "JSON_MEDIA_TYPE",
    "PROBLEM_MEDIA_TYPE",
    "new_request_id",
    "problem_response",
    "render_json",
    "success_response",
    "utc_timestamp",
]

JSON_MEDIA_TYPE = "application/json"
PROBLEM_MEDIA_TYPE = "application/problem+json"

# Kestrel's connection ids use this 32-letter alphabet after a "0HN" prefix.
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
_PROCESS_PREFIX = "0HN" + "".join(secrets.choice(_ALPHABET) for _ in range(10))
_counter = itertools.count(1)
_counter_lock = threading.Lock()


def new_request_id() -> str:
    """``0HN…:0000000N``: a per-process prefix and a per-process request counter in hex."""
    with _counter_lock:
        number = next(_counter)
    return f"{_PROCESS_PREFIX}:{number:08X}"


def utc_timestamp(moment: datetime | None = None) -> str:
    """``2026-04-15T20:00:00.0000000+00:00``: .NET ticks have seven digits, Python six."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0+00:00"


def render_json(document: Any) -> bytes:
    # ensure_ascii keeps echoed ids with lone surrogates encodable; allow_nan=False keeps the
    # output strict JSON.
    return json.dumps(document, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


def success_response(data: Any) -> Response:
    body = {"data": data, "meta": {"requestId": new_request_id(), "timestamp": utc_timestamp()}}
    return Response(render_json(body), status_code=200, media_type=JSON_MEDIA_TYPE)


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str,
    errors: Mapping[str, Sequence[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        "requestId": new_request_id(),
        "timestamp": utc_timestamp(),
    }
    if errors is not None:
        body["errors"] = {path: list(messages) for path, messages in errors.items()}
    return Response(
        render_json(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )
