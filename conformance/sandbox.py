"""The incidents set aside for the suite, and what the contract expects for each of them (C20).

This module is shared by the strategies (which ids to send), the checks (what the answer
should be) and the runner (which ids it is allowed to send at all). It is plain data: no I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "RESERVED_PREFIX",
    "Incident",
    "Outcome",
    "Sandbox",
    "expected_outcomes",
    "is_reserved_id",
    "reserved_id",
]

# Ids in this namespace cannot exist on any server, so writing to them is always safe.
RESERVED_PREFIX = "cfct-"

Outcome = Literal["accepted", "forbidden"]


def reserved_id() -> str:
    return f"{RESERVED_PREFIX}{uuid.uuid4()}"


def is_reserved_id(value: object) -> bool:
    if not isinstance(value, str) or not value.startswith(RESERVED_PREFIX):
        return False
    try:
        uuid.UUID(value[len(RESERVED_PREFIX) :])
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Incident:
    id: str
    workspace: str


@dataclass(frozen=True)
class Sandbox:
    """Incidents the writer credential may update (writable) and may not (foreign)."""

    writable: tuple[Incident, ...] = ()
    foreign: tuple[Incident, ...] = ()

    def workspace_of(self, incident_id: str) -> str | None:
        for incident in (*self.writable, *self.foreign):
            if incident.id == incident_id:
                return incident.workspace
        return None

    def is_writable(self, incident_id: str) -> bool:
        return any(incident.id == incident_id for incident in self.writable)

    def allows_write_to(self, incident_id: object) -> bool:
        """May a request carry this id at all? (DESIGN.md: write discipline.)"""
        return is_reserved_id(incident_id) or (
            isinstance(incident_id, str) and self.workspace_of(incident_id) is not None
        )

    @property
    def workspaces(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.workspace for i in (*self.writable, *self.foreign)))


def _outcome_of(sandbox: Sandbox, incident_id: str, workspace: object) -> Outcome:
    if not sandbox.is_writable(incident_id):
        return "forbidden"  # foreign, or an id that exists nowhere
    if workspace is None or workspace == sandbox.workspace_of(incident_id):
        return "accepted"
    return "forbidden"  # a writable incident named with a workspace that is not its own


def expected_outcomes(
    sandbox: Sandbox, items: Iterable[Mapping[str, Any]]
) -> dict[str, Outcome | None]:
    """The outcome C20 expects per requested id.

    ``None`` means the contract does not decide: the same id was sent more than once with
    hints that lead to different outcomes, so either answer is legitimate.
    """
    outcomes: dict[str, Outcome | None] = {}
    for item in items:
        incident_id = item.get("id")
        if not isinstance(incident_id, str):
            continue
        outcome = _outcome_of(sandbox, incident_id, item.get("workspace"))
        if incident_id in outcomes and outcomes[incident_id] != outcome:
            outcomes[incident_id] = None
        else:
            outcomes[incident_id] = outcome
    return outcomes
