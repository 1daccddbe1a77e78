"""The seeded, in-memory incident store behind the reference API.

Three workspaces of five incidents each. The incident sources are read from the spec's own
``IncidentSource`` enum, so the seed spreads over every source the spec knows.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.openapi import corrected_document
from conformance.reference.responses import utc_timestamp

__all__ = ["WORKSPACES", "IncidentStore", "StoredIncident", "seed_store"]

# Fixed, obviously synthetic workspace ids: the sandbox a target file names must be stable
# across restarts of the server, only the credentials change.
WORKSPACES = (
    "6eca6a1f-0000-4000-8000-000000000001",
    "6eca6a1f-0000-4000-8000-000000000002",
    "6eca6a1f-0000-4000-8000-000000000003",
)
INCIDENTS_PER_WORKSPACE = 5


@dataclass
class StoredIncident:
    id: str
    workspace: str
    source: str
    title: str
    status: str = "New"
    classification: str | None = None
    classification_reason: str | None = None
    assignee: dict[str, Any] | None = None
    comments: list[dict[str, str]] = field(default_factory=list)
    last_modified: str = field(default_factory=utc_timestamp)

    def as_dto(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "workspaceId": self.workspace,
            "incidentSource": self.source,
            "title": self.title,
            "status": self.status,
            "classification": self.classification,
            "classificationReason": self.classification_reason,
            "assignee": copy.deepcopy(self.assignee),
            "comments": copy.deepcopy(self.comments),
            "lastModified": self.last_modified,
        }


class IncidentStore:
    """Thread-safe: the request handlers read it while the update worker writes it."""

    def __init__(self, incidents: Iterable[StoredIncident]) -> None:
        self._incidents = {incident.id: incident for incident in incidents}
        self._lock = threading.Lock()

    def workspace_of(self, incident_id: str) -> str | None:
        with self._lock:
            incident = self._incidents.get(incident_id)
            return None if incident is None else incident.workspace

    def snapshot(self, incident_id: str) -> dict[str, Any] | None:
        with self._lock:
            incident = self._incidents.get(incident_id)
            return None if incident is None else incident.as_dto()

    def ids_by_workspace(self) -> dict[str, tuple[str, ...]]:
        with self._lock:
            grouped: dict[str, list[str]] = {}
            for incident in self._incidents.values():
                grouped.setdefault(incident.workspace, []).append(incident.id)
            return {workspace: tuple(ids) for workspace, ids in grouped.items()}

    def apply_update(self, item: Mapping[str, Any]) -> None:
        """Apply one accepted ``UpdateIncidentRequest``; ``null`` fields mean "unchanged"."""
        with self._lock:
            incident = self._incidents[item["id"]]
            if item.get("status") is not None:
                incident.status = item["status"]
            if item.get("classification") is not None:
                incident.classification = item["classification"]
            if item.get("classificationReason") is not None:
                incident.classification_reason = item["classificationReason"]
            user = item.get("user")
            if isinstance(user, Mapping) and user.get("id"):
                incident.assignee = {key: user.get(key) for key in ("id", "displayName", "email")}
            elif item.get("removeAssignee") is True:
                incident.assignee = None
            if item.get("comment"):
                incident.comments.append({"text": item["comment"], "createdAt": utc_timestamp()})
            incident.last_modified = utc_timestamp()


def _incident_sources() -> list[str]:
    enum = corrected_document()["components"]["schemas"]["IncidentSource"]["enum"]
    return [source for source in enum if isinstance(source, str)]


def seed_store() -> IncidentStore:
    """A fresh store: incident ``INC-<w>00<n>`` is number n of workspace w (1-based)."""
    sources = _incident_sources()
    incidents: list[StoredIncident] = []
    for w, workspace in enumerate(WORKSPACES, start=1):
        for n in range(1, INCIDENTS_PER_WORKSPACE + 1):
            number = len(incidents)
            incidents.append(
                StoredIncident(
                    id=f"INC-{w}{n:03d}",
                    workspace=workspace,
                    source=sources[number % len(sources)],
                    title=f"Sandbox incident {n} of workspace {w}",
                )
            )
    return IncidentStore(incidents)
