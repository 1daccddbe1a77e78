"""What a probe is, and the pieces the probes are built from: ids, items, requests."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from conformance.checks import Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.client import PlannedRequest
from conformance.sandbox import Incident, reserved_id

__all__ = [
    "JSON",
    "LARGE_BATCH",
    "PROBE_COMMENT",
    "Probe",
    "SkippedProbe",
    "probe_id",
    "probe_item",
    "probe_post",
]

LARGE_BATCH = 50
JSON = "application/json"
PROBE_COMMENT = "cf-conformance probe"


@dataclass(frozen=True)
class Probe:
    name: str
    clauses: tuple[str, ...]
    """The clauses this probe is aimed at (every check still runs on its answer)."""
    request: PlannedRequest
    intent: Intent


@dataclass(frozen=True)
class SkippedProbe:
    name: str
    clauses: tuple[str, ...]
    reason: str


def probe_id(seed: uuid.UUID, n: int) -> str:
    # Derived from the run's seed, so a replayed run sends the same ids.
    return reserved_id(uuid.uuid5(seed, str(n)).int)


def probe_post(body: Any, auth: str | None, *, content: bytes | None = None) -> PlannedRequest:
    headers = {"Content-Type": JSON, "Accept": "application/json, application/problem+json"}
    if auth is not None:
        headers["Authorization"] = auth
    if content is None and body is not None:
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return PlannedRequest("POST", BULK_UPDATE_PATH, headers, content)


def probe_item(
    incident: Incident | str, workspace: str | None = None, **fields: Any
) -> dict[str, Any]:
    incident_id = incident.id if isinstance(incident, Incident) else incident
    item: dict[str, Any] = {"id": incident_id, "comment": PROBE_COMMENT, **fields}
    if workspace is not None:
        item["workspace"] = workspace
    return item
