"""The seeded, in-memory incident store behind the reference API.

Three workspaces of five incidents each. The incident sources are read from the spec's own
``IncidentSource`` enum, so the seed spreads over every source the spec knows. ``USERS`` are the
users an update may assign; any other ``user`` object is ignored (see ``apply_update``).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.openapi import corrected_document
from conformance.reference.responses import utc_timestamp

__all__ = ["USERS", "WORKSPACES", "IncidentStore", "StoredIncident", "seed_store"]

# Fixed, obviously synthetic workspace ids: the sandbox a target file names must be stable
# across restarts of the server, only the credentials change.
WORKSPACES = (
    "6eca6a1f-0000-4000-8000-000000000001",
    "6eca6a1f-0000-4000-8000-000000000002",
    "6eca6a1f-0000-4000-8000-000000000003",
)
INCIDENTS_PER_WORKSPACE = 5

# The directory of assignable users: fixed, like the workspaces, so a target file can name them.
USERS: tuple[dict[str, str], ...] = (
    {"id": "u-0001", "email": "first.analyst@sandbox.example", "displayName": "First Analyst"},
    {"id": "u-0002", "email": "second.analyst@sandbox.example", "displayName": "Second Analyst"},
    {"id": "u-0003", "email": "shift.lead@sandbox.example", "displayName": "Shift Lead"},
)
_USERS_BY_ID = {user["id"]: user for user in USERS}

CLEARABLE_FIELDS = ("classification", "classificationReason", "assignee")
"""The incident fields that may be empty, by their names in the incident's answer."""


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
    """``{"message", "createdAt"}``, oldest first: served by the comments route, not the dto."""
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

    def comments(self, incident_id: str) -> list[dict[str, str]] | None:
        """The incident's comments, oldest first; None for an unknown incident."""
        with self._lock:
            incident = self._incidents.get(incident_id)
            return None if incident is None else copy.deepcopy(incident.comments)

    def copy(self) -> IncidentStore:
        """An independent copy of every incident as it is now."""
        with self._lock:
            return IncidentStore(copy.deepcopy(list(self._incidents.values())))

    def neighbour(self, incident_id: str) -> str:
        """The id listed after ``incident_id`` in its workspace (the last one's is the first)."""
        workspace = self.workspace_of(incident_id)
        ids = self.ids_by_workspace()[workspace] if workspace is not None else (incident_id,)
        return ids[(ids.index(incident_id) + 1) % len(ids)] if incident_id in ids else incident_id

    def ids_by_workspace(self) -> dict[str, tuple[str, ...]]:
        with self._lock:
            grouped: dict[str, list[str]] = {}
            for incident in self._incidents.values():
                grouped.setdefault(incident.workspace, []).append(incident.id)
            return {workspace: tuple(ids) for workspace, ids in grouped.items()}

    def apply_update(self, item: Mapping[str, Any]) -> None:
        """Apply one accepted ``UpdateIncidentRequest``; ``null`` fields mean "unchanged".

        A ``user`` is assigned when its ``id`` names one of ``USERS``, and is then stored as
        the directory has it; any other ``user`` object is ignored (the assignee stays), as is
        ``removeAssignee`` in an item that assigns a user. A blank ``comment`` adds none.
        """
        with self._lock:
            incident = self._incidents[item["id"]]
            if item.get("status") is not None:
                incident.status = item["status"]
            if item.get("classification") is not None:
                incident.classification = item["classification"]
            if item.get("classificationReason") is not None:
                incident.classification_reason = item["classificationReason"]
            user = item.get("user")
            user_id = user.get("id") if isinstance(user, Mapping) else None
            known = _USERS_BY_ID.get(user_id) if isinstance(user_id, str) else None
            if known is not None:
                incident.assignee = dict(known)
            elif item.get("removeAssignee") is True:
                incident.assignee = None
            comment = item.get("comment")
            if isinstance(comment, str) and comment.strip():
                incident.comments.append({"message": comment, "createdAt": utc_timestamp()})
            incident.last_modified = utc_timestamp()

    def clear(self, incident_id: str, fields: Iterable[str]) -> None:
        """Empty the named ``CLEARABLE_FIELDS`` of one incident."""
        attributes = {
            "classification": "classification",
            "classificationReason": "classification_reason",
            "assignee": "assignee",
        }
        with self._lock:
            incident = self._incidents[incident_id]
            for name in fields:
                setattr(incident, attributes[name], None)


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
