"""A second, independently written conforming server for the run's self-tests.

It is not derived from the reference API. Wherever the contract leaves a choice, it takes the
other one: Bearer tokens, ``status`` as a string, extra members everywhere, ``null`` lists,
a 400 for a bodiless request. It reads incidents back in a shape of its own
(``READ_PATH``, ``NOTES_PATH``; ``readback_toml()`` configures them for the suite), assigns a
user named by id or by email, and lets ``removeAssignee`` win over a ``user`` in one item.

On top of that, ``Variants`` switches on, one flag each, the defaults a real ASP.NET Core
deployment shows and the leeway the contract gives in what an update does (C21);
``Variants.every()`` turns them all on. Each is a legitimate reading of the contract, so the
suite must pass with any of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
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
    writable=(
        Incident("A-1", "ws-alpha"),
        Incident("A-2", "ws-alpha"),
        Incident("A-3", "ws-alpha"),
        Incident("B-1", "ws-beta"),
        Incident("B-2", "ws-beta"),
    ),
    foreign=(Incident("G-1", "ws-gamma"), Incident("G-2", "ws-gamma")),
)
SOURCES = {
    "A-1": "Sentinel",
    "A-2": "QRadar",
    "A-3": "Splunk",
    "B-1": "CrowdStrike",
    "B-2": "Sentinel",
    "G-1": "DefenderXDR",
    "G-2": "Sentinel",
}
"""The ``{source}`` of each incident's read path."""
USERS = (
    {"id": "usr-7f1", "email": "Alex.Rivera@Alt.Example", "displayName": "Alex Rivera"},
    {"id": "usr-7f2", "email": "KIM.OKAFOR@ALT.EXAMPLE", "displayName": "Kim Okafor"},
)
"""Who may be assigned. Mixed-case emails, so that ``lower_case_emails`` changes them."""
READ_PATH = "/api/v2/sources/{source}/workspaces/{workspace}/incidents/{id}"
NOTES_PATH = READ_PATH + "/notes"
LATE_UPDATE_SECONDS = 2.0
"""With ``late_updates``, each update lands up to this long after its answer."""

# Which reasons go with which classification (the vendor's incident-classification page).
_REASONS = {
    "TruePositive": {
        "MultistagedAttack",
        "Malware",
        "MaliciousUserActivity",
        "UnwantedSoftware",
        "Phishing",
        "CompromisedUser",
        "Apt",
        "SuspiciousActivity",
        "Other",
    },
    "FalsePositive": {
        "NotMalicious",
        "NoEnoughDataToValidate",
        "InaccurateData",
        "IncorrectAlertLogic",
        "Other",
    },
    "BenignPositive": {
        "SecurityTesting",
        "ConfirmedUserActivity",
        "LineOfBusinessApplication",
        "SecurityPersonnel",
        "SuspiciousButExpected",
        "Other",
    },
    "Undetermined": {"Unknown", "Other"},
}


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
    normalised_reason: bool = False
    """A classification sent with a reason that does not belong to it is stored with the
    reason ``Other`` (which belongs to every classification), as the vendor documents."""
    null_clears: bool = False
    """An explicit ``null`` clears the classification or the reason instead of leaving it as
    it was (an incident always has a status, and ``user`` may not be null)."""
    first_duplicate_wins: bool = False
    """Of the items naming one id in a request, only the first is applied (otherwise every
    accepted one is, in order, so the last wins)."""
    late_updates: bool = False
    """Each update lands 0 to 2 s after its answer (drawn per update), in order per incident."""
    comments_newest_first: bool = False
    """Notes are listed newest first."""
    lower_case_emails: bool = False
    """An assignee's email is stored, and read back, in lower case."""

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
    observer_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    sandbox: Sandbox = field(default_factory=lambda: SANDBOX)
    variants: Variants = field(default_factory=Variants)
    base_url: str = ""
    _counter: Any = field(default_factory=lambda: itertools.count(1))
    _shuffle: random.Random = field(default_factory=lambda: random.Random(0))
    _connection: str = field(default_factory=_connection_id)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _incidents: dict[str, dict[str, Any]] = field(default_factory=dict)
    _landing: random.Random = field(default_factory=lambda: random.Random(0))
    _queue: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    _last_due: dict[str, float] = field(default_factory=dict)
    _sequence: Any = field(default_factory=itertools.count)
    _wake: threading.Condition = field(default_factory=threading.Condition)
    _closing: bool = False
    _lander: threading.Thread | None = None

    def __post_init__(self) -> None:
        for incident in (*self.sandbox.writable, *self.sandbox.foreign):
            self._incidents[incident.id] = {
                "ref": incident.id,
                "tenant": incident.workspace,
                "origin": SOURCES.get(incident.id, "Sentinel"),
                "state": "New",
                "classification": {"value": None, "reason": None},
                "owner": {"userId": None, "mail": None, "name": None},
                "notes": [],
            }

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
        if secrets.compare_digest(token, self.reader_token) or secrets.compare_digest(
            token, self.observer_token
        ):
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
        updates: list[dict[str, Any]] = []
        for item in items:
            incident_id, hint = item["id"], item.get("workspace")
            if self.variants.trims_ids:
                incident_id = incident_id.strip()
            if self.variants.blank_hint_is_none and isinstance(hint, str) and not hint.strip():
                hint = None
            own = self.sandbox.workspace_of(incident_id)
            allowed = self.sandbox.is_writable(incident_id) and hint in (None, own)
            if incident_id in seen:
                if allowed and incident_id in accepted and not self.variants.first_duplicate_wins:
                    updates.append({**item, "id": incident_id})
                continue
            seen.add(incident_id)
            if allowed:
                accepted.append(incident_id)
                updates.append({**item, "id": incident_id})
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
        self._schedule(updates)
        data = {"accepted": accepted or None, "forbidden": forbidden or None, "batch": len(items)}
        return self._success(data)

    def _success(self, data: Any) -> Response:
        meta = {"requestId": self._meta_request_id(), "timestamp": self._now(), "version": "2.0"}
        return Response(
            json.dumps({"data": data, "meta": meta, "links": {}}),
            200,
            media_type=self._media_type("application/json"),
        )

    # -- what an update does: applied later, in order per incident ------------------------------

    def _schedule(self, updates: list[dict[str, Any]]) -> None:
        now = time.monotonic()
        with self._wake:
            for update in updates:
                delay = 0.0
                if self.variants.late_updates:
                    delay = self._landing.uniform(0.0, LATE_UPDATE_SECONDS)
                # Never before an earlier update to the same incident: the later write wins.
                due = max(now + delay, self._last_due.get(update["id"], 0.0))
                self._last_due[update["id"]] = due
                heapq.heappush(self._queue, (due, next(self._sequence), update))
            self._wake.notify_all()

    def _land_updates(self) -> None:
        with self._wake:
            while not self._closing:
                if not self._queue:
                    self._wake.wait()
                    continue
                wait = self._queue[0][0] - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                self._apply(heapq.heappop(self._queue)[2])
                self._wake.notify_all()

    def wait_settled(self, timeout: float = 5.0) -> bool:
        """Until every accepted update has landed; False if ``timeout`` ran out."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._queue, timeout=timeout)

    def _apply(self, update: dict[str, Any]) -> None:
        incident = self._incidents[update["id"]]
        clears = self.variants.null_clears
        if update.get("status") is not None:
            incident["state"] = update["status"]
        pair = incident["classification"]
        for sent, kept in (("classification", "value"), ("classificationReason", "reason")):
            if update.get(sent) is not None or (clears and sent in update):
                pair[kept] = update[sent]
        sent_pair = (update.get("classification"), update.get("classificationReason"))
        mismatched = None not in sent_pair and sent_pair[1] not in _REASONS.get(sent_pair[0], ())
        if self.variants.normalised_reason and mismatched:
            pair["reason"] = "Other"
        user = self._user(update.get("user"))
        if update.get("removeAssignee") is True:
            incident["owner"] = {"userId": None, "mail": None, "name": None}
        elif user is not None:
            mail = user["email"].lower() if self.variants.lower_case_emails else user["email"]
            incident["owner"] = {"userId": user["id"], "mail": mail, "name": user["displayName"]}
        note = update.get("comment")
        if isinstance(note, str) and note.strip():
            incident["notes"].append({"body": note, "postedAt": self._now()})

    @staticmethod
    def _user(sent: Any) -> dict[str, str] | None:
        """The directory's user a ``user`` object names, by id or else by email."""
        if not isinstance(sent, dict):
            return None
        for user in USERS:
            if sent.get("id") == user["id"]:
                return user
        email = sent.get("email")
        if isinstance(email, str):
            return next((u for u in USERS if u["email"].lower() == email.lower()), None)
        return None

    # -- the read side --------------------------------------------------------------------------

    def _reader_workspaces(self, request: Request) -> frozenset[str] | Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            if secrets.compare_digest(token, self.observer_token):
                return frozenset(
                    i.workspace for i in (*self.sandbox.writable, *self.sandbox.foreign)
                )
            if secrets.compare_digest(token, self.writer_token) or secrets.compare_digest(
                token, self.reader_token
            ):
                return frozenset(i.workspace for i in self.sandbox.writable)
        return self._problem(401, "UNAUTHENTICATED", "Credentials are missing or invalid")

    def _readable(self, request: Request) -> dict[str, Any] | Response:
        workspaces = self._reader_workspaces(request)
        if isinstance(workspaces, Response):
            return workspaces
        params = request.path_params
        if params["workspace"] not in workspaces:
            return self._problem(403, "TENANT_ACCESS_DENIED", "No access to this workspace")
        incident = self._incidents.get(params["id"])
        if incident is None or (incident["tenant"], incident["origin"]) != (
            params["workspace"],
            params["source"],
        ):
            return self._problem(404, "NOT_FOUND", "No such incident")
        return incident

    async def read_incident(self, request: Request) -> Response:
        incident = self._readable(request)
        if isinstance(incident, Response):
            return incident
        with self._wake:
            shown = {key: value for key, value in incident.items() if key != "notes"}
            return self._success({"incident": json.loads(json.dumps(shown))})

    async def read_notes(self, request: Request) -> Response:
        incident = self._readable(request)
        if isinstance(incident, Response):
            return incident
        with self._wake:
            notes = list(incident["notes"])
        if self.variants.comments_newest_first:
            notes.reverse()
        return self._success({"notes": notes, "total": len(notes)})

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
                Route(READ_PATH, self.read_incident, methods=["GET"]),
                Route(NOTES_PATH, self.read_notes, methods=["GET"]),
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
        self._lander = threading.Thread(target=self._land_updates, daemon=True)
        self._lander.start()
        while not self._server.started:
            time.sleep(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        assert self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        if self._lander is not None:
            self._lander.join(timeout=10)

    def target_toml(self) -> str:
        """The target file, read-back keys included (``readback_toml()``)."""
        limits = f"[limits]\nmax_items = {MAX_ITEMS}\n" if self.variants.batch_cap else ""
        return (
            f'name = "alternative"\nbase_url = "{self.base_url}"\n'
            '[auth.writer]\nscheme = "bearer"\ntoken_env = "ALT_WRITER_TOKEN"\n'
            '[auth.no_scope]\nscheme = "bearer"\ntoken_env = "ALT_READER_TOKEN"\n'
            f"{self.readback_toml()}"
            f"{limits}"
        )

    def _sandbox_toml(self) -> str:
        def incidents(entries: tuple[Incident, ...]) -> str:
            rows = []
            for i in entries:
                source = f', source = "{SOURCES.get(i.id, "Sentinel")}"'
                rows.append(f'{{ id = "{i.id}", workspace = "{i.workspace}"{source} }}')
            return ", ".join(rows)

        users = ", ".join(
            "{ " + ", ".join(f'{key} = "{value}"' for key, value in user.items()) + " }"
            for user in USERS
        )
        return (
            f"[sandbox]\nwritable = [{incidents(self.sandbox.writable)}]\n"
            f"foreign = [{incidents(self.sandbox.foreign)}]\n"
            f"users = [{users}]\n"
        )

    def readback_toml(self) -> str:
        """The read-back part of the target file: ``[sandbox]`` with sources and users,
        ``[auth.observer]``, ``[readback]``, ``[readback.fields]`` and ``[readback.comments]``.

        The incident is read from its own JSON layout, ``{"data": {"incident": {"state": …,
        "classification": {"value": …, "reason": …}, "owner": {"userId": …, "mail": …}}}}``,
        and the notes from ``{"data": {"notes": [{"body": …, "postedAt": …}]}}``.
        """
        deadline = 10 if self.variants.late_updates else 5
        return (
            self._sandbox_toml()
            + '[auth.observer]\nscheme = "bearer"\ntoken_env = "ALT_OBSERVER_TOKEN"\n'
            + "[readback]\n"
            + f'path = "{READ_PATH}"\n'
            + 'incident = "$.data.incident"\n'
            + 'credential = "writer"\nobserver = "observer"\n'
            + f"deadline_seconds = {deadline}\n"
            + "[readback.fields]\n"
            + 'status = "$.state"\n'
            + 'classification = "$.classification.value"\n'
            + 'classificationReason = "$.classification.reason"\n'
            # By email: the server stores emails in lower case, the suite compares them
            # ignoring case (C21a).
            + 'assignee = "$.owner.mail"\n'
            + "[readback.comments]\n"
            + f'path = "{NOTES_PATH}"\n'
            + 'messages = "$.data.notes[*].body"\n'
        )

    def environ(self) -> dict[str, str]:
        return {
            "ALT_WRITER_TOKEN": self.writer_token,
            "ALT_READER_TOKEN": self.reader_token,
            "ALT_OBSERVER_TOKEN": self.observer_token,
        }
