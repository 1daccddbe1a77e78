"""A second, independently written conforming server for the run's self-tests.

It is not derived from the reference API. Wherever the contract leaves a choice, it takes the
other one: Bearer tokens, ``status`` as a string, extra members everywhere, ``null`` lists,
a 400 for a bodiless request.

On top of that, ``Variants`` switches on, one flag each, the defaults a real ASP.NET Core
deployment shows; ``Variants.every()`` turns them all on. Each is a legitimate reading of
the contract, so the suite must pass with any of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import random
import secrets
import socket
import string
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.openapi import BULK_UPDATE_PATH
from conformance.openapi.schemas import component_validator
from conformance.sandbox import Incident, Sandbox

MAX_ITEMS = 50
SANDBOX = Sandbox(
    writable=(Incident("A-1", "ws-alpha"), Incident("A-2", "ws-alpha"), Incident("B-1", "ws-beta")),
    foreign=(Incident("G-1", "ws-gamma"), Incident("G-2", "ws-gamma")),
)


@dataclass(frozen=True)
class Variants:
    """ASP.NET Core defaults, each a legitimate choice the contract leaves open."""

    charset: bool = False
    """``; charset=utf-8`` on ``application/json`` and ``application/problem+json``."""
    dotnet_request_ids: bool = False
    """GUIDs in ``meta`` and trace identifiers (``0HN…:0000000N``) on problems, not ``req-N``."""
    about_blank: bool = False
    """Problem ``type`` ``about:blank`` instead of an error-reference URL."""
    framework_errors: bool = False
    """404 and 405 problems as the framework words them (RFC 9110 ``type``, ``traceId``),
    with ``Allow`` on a 405, for other paths and methods."""
    any_order: bool = False
    """``accepted`` and ``forbidden`` shuffled instead of in request order."""
    blank_hint_is_none: bool = False
    """A blank or whitespace-only ``workspace`` is no hint: a writable incident is accepted,
    and a forbidden entry gives the home workspace (or null when there is none)."""
    blank_ids_not_found: bool = False
    """A blank id is answered as not found (a forbidden entry) instead of with a 400."""
    trims_ids: bool = False
    """Ids are trimmed before lookup and answered trimmed."""
    batch_cap: bool = False
    """More than 50 items get a 400 (and the target file says ``max_items = 50``)."""
    dotnet_timestamps: bool = False
    """``2026-04-15T20:00:00.1234567+00:00`` instead of ``2026-04-15T20:00:00Z``."""
    json_path_error_keys: bool = False
    """``errors`` keyed ``$.items[0].status``, as System.Text.Json reports them."""

    @classmethod
    def every(cls) -> Variants:
        return cls(**{f.name: True for f in dataclasses.fields(cls)})

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))


def _connection_id() -> str:
    # Kestrel's connection ids: "0HN" and ten base-32 characters.
    alphabet = string.digits + string.ascii_uppercase[:22]
    return "0HN" + "".join(secrets.choice(alphabet) for _ in range(10))


@dataclass
class AlternativeServer:
    writer_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    reader_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    sandbox: Sandbox = field(default_factory=lambda: SANDBOX)
    variants: Variants = field(default_factory=Variants)
    base_url: str = ""
    _counter: Any = field(default_factory=lambda: itertools.count(1))
    _shuffle: random.Random = field(default_factory=lambda: random.Random(0))
    _connection: str = field(default_factory=_connection_id)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    # -- wording -------------------------------------------------------------------------------

    def _now(self) -> str:
        now = dt.datetime.now(dt.UTC)
        if self.variants.dotnet_timestamps:
            # .NET's round-trip format: seven fractional digits and an explicit offset.
            return now.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0+00:00"
        return now.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _media_type(self, media_type: str) -> str:
        return f"{media_type}; charset=utf-8" if self.variants.charset else media_type

    def _trace_id(self) -> str:
        number = next(self._counter)
        if self.variants.dotnet_request_ids:
            return f"{self._connection}:{number:08X}"
        return f"req-{number}"

    def _meta_request_id(self) -> str:
        if self.variants.dotnet_request_ids:
            return str(uuid.uuid4())
        return f"req-{next(self._counter)}"

    def _problem(
        self,
        status: int,
        code: str,
        title: str,
        errors: dict[str, list[str]] | None = None,
        *,
        headers: dict[str, str] | None = None,
        framework: bool = False,
    ) -> Response:
        trace = self._trace_id()
        if framework:
            type_ = f"https://tools.ietf.org/html/rfc9110#section-15.5.{status - 399}"
        elif self.variants.about_blank:
            type_ = "about:blank"
        else:
            type_ = f"https://docs.example.com/errors/{code.lower()}"
        body: dict[str, Any] = {
            "type": type_,
            "title": title,
            "status": status if framework else str(status),
            "code": code,
            "requestId": trace,
            "timestamp": self._now(),
        }
        if framework:
            body["traceId"] = f"00-{uuid.uuid4().hex}-{secrets.token_hex(8)}-00"
        else:
            body["server"] = "alternative"
        if errors is not None:
            body["errors"] = errors
        headers = dict(headers or {})
        if status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="alt"'
        return Response(
            json.dumps(body),
            status,
            headers,
            media_type=self._media_type("application/problem+json"),
        )

    # -- the operation --------------------------------------------------------------------------

    async def bulk_update(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return self._problem(401, "UNAUTHENTICATED", "Credentials are missing or invalid")
        if secrets.compare_digest(token, self.reader_token):
            return self._problem(403, "SCOPE_MISSING", "incidents:write is required")
        if not secrets.compare_digest(token, self.writer_token):
            return self._problem(401, "UNAUTHENTICATED", "Credentials are missing or invalid")
        raw = await request.body()
        if not raw:
            return self._problem(400, "BAD_REQUEST", "A request body is required")
        try:
            body = json.loads(raw)
        except ValueError:
            return self._problem(400, "BAD_REQUEST", "The body is not JSON")
        errors = self._validation_errors(body)
        if errors:
            return self._problem(400, "VALIDATION_ERROR", "Validation failed", errors)
        return self._outcome(body.get("items") or [])

    def _error_key(self, path: list[str | int]) -> str:
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        if self.variants.json_path_error_keys:
            return "$" if not key else f"$.{key}"
        return key

    def _validation_errors(self, body: Any) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for error in component_validator("BulkUpdateIncidentsRequest").iter_errors(body):
            path = list(error.absolute_path)
            if error.validator == "required":
                path.append("id")
            found.setdefault(self._error_key(path), []).append(error.message[:80])
        items = body.get("items") if isinstance(body, dict) else None
        if found or not isinstance(items, list):
            return found
        if self.variants.batch_cap and len(items) > MAX_ITEMS:
            found[self._error_key(["items"])] = [f"at most {MAX_ITEMS} items"]
        if not self.variants.blank_ids_not_found:
            for index, item in enumerate(items):
                if not item["id"].strip():
                    found[self._error_key(["items", index, "id"])] = ["The id is required."]
        return found

    def _outcome(self, items: list[dict[str, Any]]) -> Response:
        accepted: list[str] = []
        forbidden: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in items:
            incident_id, hint = item["id"], item.get("workspace")
            if self.variants.trims_ids:
                incident_id = incident_id.strip()
            if self.variants.blank_hint_is_none and isinstance(hint, str) and not hint.strip():
                hint = None
            if incident_id in seen:
                continue
            seen.add(incident_id)
            own = self.sandbox.workspace_of(incident_id)
            if self.sandbox.is_writable(incident_id) and hint in (None, own):
                accepted.append(incident_id)
                continue
            reason = "not found" if own is None else "no role on this workspace"
            workspace = own if hint is None and self.variants.blank_hint_is_none else hint
            forbidden.append(
                {
                    "incidentId": incident_id,
                    "workspaceId": workspace,
                    "reason": reason,
                    "hint": "alt",
                }
            )
        if self.variants.any_order:
            self._shuffle.shuffle(accepted)
            self._shuffle.shuffle(forbidden)
        data = {"accepted": accepted or None, "forbidden": forbidden or None, "batch": len(items)}
        meta = {"requestId": self._meta_request_id(), "timestamp": self._now(), "version": "2.0"}
        return Response(
            json.dumps({"data": data, "meta": meta, "links": {}}),
            200,
            media_type=self._media_type("application/json"),
        )

    async def fallback(self, request: Request) -> Response:
        framework = self.variants.framework_errors
        if request.url.path == BULK_UPDATE_PATH:
            headers = {"Allow": "POST"} if framework else None
            return self._problem(
                405,
                "METHOD_NOT_ALLOWED",
                "Method Not Allowed",
                headers=headers,
                framework=framework,
            )
        return self._problem(404, "NOT_FOUND", "Not Found", framework=framework)

    def app(self) -> Starlette:
        methods = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "POST"]
        return Starlette(
            routes=[
                Route(BULK_UPDATE_PATH, self.bulk_update, methods=["POST"]),
                Route("/{path:path}", self.fallback, methods=methods),
            ]
        )

    # -- lifecycle and target file --------------------------------------------------------------

    def __enter__(self) -> AlternativeServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(self.app(), lifespan="off", log_config=None, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        while not self._server.started:
            time.sleep(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        assert self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def target_toml(self) -> str:
        def incidents(entries: tuple[Incident, ...]) -> str:
            return ", ".join(f'{{ id = "{i.id}", workspace = "{i.workspace}" }}' for i in entries)

        limits = f"[limits]\nmax_items = {MAX_ITEMS}\n" if self.variants.batch_cap else ""
        return (
            f'name = "alternative"\nbase_url = "{self.base_url}"\n'
            '[auth.writer]\nscheme = "bearer"\ntoken_env = "ALT_WRITER_TOKEN"\n'
            '[auth.no_scope]\nscheme = "bearer"\ntoken_env = "ALT_READER_TOKEN"\n'
            f"[sandbox]\nwritable = [{incidents(self.sandbox.writable)}]\n"
            f"foreign = [{incidents(self.sandbox.foreign)}]\n"
            f"{limits}"
        )

    def environ(self) -> dict[str, str]:
        return {"ALT_WRITER_TOKEN": self.writer_token, "ALT_READER_TOKEN": self.reader_token}
