"""A second, independently written conforming server for the run's self-tests.

It is not derived from the reference API. Wherever the contract leaves a choice, it takes the
other one: Bearer tokens, ``status`` as a string, ``Z`` timestamps without fractions,
``req-N`` request ids, extra members everywhere, ``null`` lists, a 400 for a bodiless request,
error ``type`` URLs, and a batch cap of 50.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.openapi import BULK_UPDATE_PATH
from conformance.openapi.schemas import component_validator
from conformance.sandbox import Incident, Sandbox

MAX_ITEMS = 50
SANDBOX = Sandbox(
    writable=(Incident("A-1", "ws-alpha"), Incident("A-2", "ws-alpha"), Incident("B-1", "ws-beta")),
    foreign=(Incident("G-1", "ws-gamma"), Incident("G-2", "ws-gamma")),
)


@dataclass
class AlternativeServer:
    writer_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    reader_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    sandbox: Sandbox = field(default_factory=lambda: SANDBOX)
    base_url: str = ""
    _counter: Any = field(default_factory=lambda: itertools.count(1))
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def _now(self) -> str:
        return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _problem(
        self, status: int, code: str, title: str, errors: dict[str, list[str]] | None = None
    ) -> Response:
        body: dict[str, Any] = {
            "type": f"https://docs.example.com/errors/{code.lower()}",
            "title": title,
            "status": str(status),
            "code": code,
            "requestId": f"req-{next(self._counter)}",
            "timestamp": self._now(),
            "server": "alternative",
        }
        if errors is not None:
            body["errors"] = errors
        headers = {"WWW-Authenticate": 'Bearer realm="alt"'} if status == 401 else {}
        return Response(
            json.dumps(body), status, headers, media_type="application/problem+json; charset=utf-8"
        )

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

    def _validation_errors(self, body: Any) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for error in component_validator("BulkUpdateIncidentsRequest").iter_errors(body):
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            if error.validator == "required":
                path += ".id"
            found.setdefault(path.lstrip("."), []).append(error.message[:80])
        items = body.get("items") if isinstance(body, dict) else None
        if isinstance(items, list) and len(items) > MAX_ITEMS:
            found.setdefault("items", []).append(f"at most {MAX_ITEMS} items")
        return found

    def _outcome(self, items: list[dict[str, Any]]) -> Response:
        accepted: list[str] = []
        forbidden: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in items:
            incident_id, hint = item["id"], item.get("workspace")
            if incident_id in seen:
                continue
            seen.add(incident_id)
            own = self.sandbox.workspace_of(incident_id)
            if self.sandbox.is_writable(incident_id) and hint in (None, own):
                accepted.append(incident_id)
                continue
            reason = "not found" if own is None else "no role on this workspace"
            forbidden.append(
                {"incidentId": incident_id, "workspaceId": hint, "reason": reason, "hint": "alt"}
            )
        data = {"accepted": accepted or None, "forbidden": forbidden or None, "batch": len(items)}
        meta = {
            "requestId": f"req-{next(self._counter)}",
            "timestamp": self._now(),
            "version": "2.0",
        }
        return JSONResponse({"data": data, "meta": meta, "links": {}})

    async def fallback(self, request: Request) -> Response:
        if request.url.path == BULK_UPDATE_PATH:
            return self._problem(405, "METHOD_NOT_ALLOWED", "Use POST")
        return self._problem(404, "NOT_FOUND", "No such resource")

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(BULK_UPDATE_PATH, self.bulk_update, methods=["POST"]),
                Route(
                    "/{path:path}", self.fallback, methods=["GET", "PUT", "PATCH", "DELETE", "POST"]
                ),
            ]
        )

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

        return (
            f'name = "alternative"\nbase_url = "{self.base_url}"\n'
            '[auth.writer]\nscheme = "bearer"\ntoken_env = "ALT_WRITER_TOKEN"\n'
            '[auth.no_scope]\nscheme = "bearer"\ntoken_env = "ALT_READER_TOKEN"\n'
            f"[sandbox]\nwritable = [{incidents(self.sandbox.writable)}]\n"
            f"foreign = [{incidents(self.sandbox.foreign)}]\n"
            f"[limits]\nmax_items = {MAX_ITEMS}\n"
        )

    def environ(self) -> dict[str, str]:
        return {"ALT_WRITER_TOKEN": self.writer_token, "ALT_READER_TOKEN": self.reader_token}
