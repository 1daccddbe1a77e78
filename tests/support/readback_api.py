"""An in-memory API for the read-back phase's tests, served through ``httpx.MockTransport``.

It answers the bulk update and the two reads in the v2 envelope, applies each accepted item
when the next read comes (an asynchronous worker, in a form a test can step), and can be told
to break what it does, one fault at a time, while its answers stay correct. Every fault is
written from a clause of C21, not from how the reference API is built.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

WRITER = ("writer-id", "writer-secret-value")
OBSERVER = ("observer-id", "observer-secret-value")
HOME, OTHER = "ws-home", "ws-other"
USERS = (
    {"id": "u-1", "email": "Analyst.One@example.com", "displayName": "Analyst One"},
    {"id": "u-2", "email": "analyst.two@example.com", "displayName": "Analyst Two"},
)
BULK = "/api/v2/incidents/across-workspaces/bulk-update"
META = {"requestId": "req-1", "timestamp": "2026-01-01T00:00:00Z"}

FAULTS = (
    "loses-updates",  # C21a: answers accepted, never applies some
    "drops-classification",  # C21a: drops classification when status is sent too
    "drops-comments",  # C21a
    "ignores-remove-assignee",  # C21a
    "stale-reads",  # C21a: the read side never shows an update
    "wipes-omitted",  # C21b: PUT semantics
    "writes-forbidden",  # C21c: applies refused items too
    "applies-elsewhere",  # C21d: applies to the next incident
    "wrong-order",  # C21e: applies the updates of one incident newest first
)


@dataclass
class Incident:
    id: str
    workspace: str
    source: str
    status: str = "New"
    classification: str | None = None
    reason: str | None = None
    assignee: dict[str, Any] | None = None
    comments: list[str] = field(default_factory=list)

    def dto(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "classification": self.classification,
            "classificationReason": self.reason,
            "assignee": self.assignee,
        }


def incidents() -> list[Incident]:
    home = [Incident(f"INC-{n}", HOME, "Sentinel") for n in range(1, 7)]
    other = [Incident(f"INC-9{n}", OTHER, "QRadar") for n in range(1, 3)]
    return [*home, *other]


class ReadbackApi:
    def __init__(self, fault: str | None = None) -> None:
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}")
        self.fault = fault
        self.store = {incident.id: incident for incident in incidents()}
        self.pending: list[dict[str, Any]] = []
        self.requests: list[httpx.Request] = []
        self.accepted = 0
        self._lock = threading.Lock()

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            user = _user(request)
            if user is None:
                return _problem(401, "UNAUTHORIZED")
            if request.method == "POST" and request.url.path == BULK:
                return self._update(user, json.loads(request.content))
            if request.method == "GET":
                return self._read(user, request.url.path)
            return _problem(404, "NOT_FOUND")

    def _update(self, user: str, body: dict[str, Any]) -> httpx.Response:
        if user != WRITER[0]:
            return _problem(403, "INSUFFICIENT_WORKSPACE_ROLE")
        accepted, forbidden = [], []
        for item in body["items"]:
            incident = self.store.get(item["id"])
            hint = item.get("workspace")
            if incident and incident.workspace == HOME and hint in (None, HOME):
                if item["id"] not in accepted:
                    accepted.append(item["id"])
                self.pending.append(item)
            else:
                home = incident.workspace if incident else None
                forbidden.append(
                    {"incidentId": item["id"], "workspaceId": hint or home, "reason": "no role"}
                )
            if item["id"] not in accepted and self.fault == "writes-forbidden" and incident:
                self.pending.append(item)
        return _ok({"accepted": accepted, "forbidden": forbidden})

    def _read(self, user: str, path: str) -> httpx.Response:
        self._apply_pending()
        parts = path.strip("/").split("/")
        # api/v2/workspaces/{w}/incidents/{source}/{id}[/comments]
        workspace, source, incident_id = parts[3], parts[5], parts[6]
        incident = self.store.get(incident_id)
        if incident is None or (incident.workspace, incident.source) != (workspace, source):
            return _problem(404, "NOT_FOUND")
        if workspace != HOME and user != OBSERVER[0]:
            return _problem(403, "INSUFFICIENT_WORKSPACE_ROLE")
        if parts[-1] == "comments":
            return _ok([{"message": text} for text in incident.comments])
        return _ok(incident.dto())

    def _apply_pending(self) -> None:
        if self.fault == "stale-reads":
            return
        items, self.pending = self.pending, []
        if self.fault == "wrong-order":
            items.reverse()
        for item in items:
            self.accepted += 1
            if self.fault == "loses-updates" and self.accepted % 2 == 0:
                continue
            self._apply(item)

    def _apply(self, item: dict[str, Any]) -> None:
        ids = list(self.store)
        incident_id = item["id"]
        if self.fault == "applies-elsewhere":
            incident_id = ids[(ids.index(incident_id) + 1) % len(ids)]
        incident = self.store[incident_id]
        if self.fault == "wipes-omitted":
            incident.status = item.get("status") or "New"
            incident.classification = item.get("classification")
            incident.reason = item.get("classificationReason")
        if item.get("status") is not None:
            incident.status = item["status"]
        if item.get("classification") is not None and not (
            self.fault == "drops-classification" and item.get("status") is not None
        ):
            incident.classification = item["classification"]
        if item.get("classificationReason") is not None:
            incident.reason = item["classificationReason"]
        user = item.get("user")
        if isinstance(user, dict) and user.get("id"):
            # Emails stored in lower case: the contract lets them compare ignoring case.
            incident.assignee = {"id": user["id"], "email": str(user.get("email")).lower()}
        elif item.get("removeAssignee") is True and self.fault != "ignores-remove-assignee":
            incident.assignee = None
        if item.get("comment") and self.fault != "drops-comments":
            incident.comments.append(item["comment"])

    def assign_everyone(self, user: dict[str, Any]) -> None:
        """Start with every incident assigned, so that an unassignment shows."""
        for incident in self.store.values():
            incident.assignee = dict(user)

    def gets(self) -> Iterable[httpx.Request]:
        return (r for r in self.requests if r.method == "GET")


def _user(request: httpx.Request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Basic":
        return None
    client_id, _, secret = base64.b64decode(value).decode().partition(":")
    return client_id if (client_id, secret) in (WRITER, OBSERVER) else None


def _ok(data: object) -> httpx.Response:
    return httpx.Response(200, json={"data": data, "meta": META})


def _problem(status: int, code: str) -> httpx.Response:
    body = {"status": status, "code": code, "title": code, **META}
    return httpx.Response(
        status, content=json.dumps(body), headers={"Content-Type": "application/problem+json"}
    )


def target_table(*, comments: bool = True, observer: bool = True) -> dict[str, Any]:
    """The target file, as parsed TOML, that points the suite at this API."""
    every = incidents()
    table: dict[str, Any] = {
        "name": "fake",
        "base_url": "http://readback.test",
        "auth": {
            "writer": {"client_id_env": "W_ID", "client_secret_env": "W_SECRET"},
        },
        "sandbox": {
            "writable": [
                {"id": i.id, "workspace": i.workspace, "source": i.source}
                for i in every
                if i.workspace == HOME
            ],
            "foreign": [
                {"id": i.id, "workspace": i.workspace, "source": i.source}
                for i in every
                if i.workspace != HOME
            ],
            "users": [dict(user) for user in USERS],
        },
        "readback": {
            "path": "/api/v2/workspaces/{workspace}/incidents/{source}/{id}",
            "incident": "$.data",
            "deadline_seconds": 3,
            "fields": {
                "status": "$.status",
                "classification": "$.classification",
                "classificationReason": "$.classificationReason",
                "assignee": "$.assignee.email",
            },
        },
    }
    if observer:
        table["auth"]["observer"] = {"client_id_env": "O_ID", "client_secret_env": "O_SECRET"}
        table["readback"]["observer"] = "observer"
    if comments:
        table["readback"]["comments"] = {
            "path": "/api/v2/workspaces/{workspace}/incidents/{source}/{id}/comments",
            "messages": "$.data[*].message",
        }
    return table


ENVIRON = {"W_ID": WRITER[0], "W_SECRET": WRITER[1], "O_ID": OBSERVER[0], "O_SECRET": OBSERVER[1]}
