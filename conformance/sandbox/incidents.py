"""The incidents set aside for the suite, and what the contract expects for each of them (C20).

Shared by the strategies (which ids to send), the checks (what the answer should be) and the
run layer (which ids it may send at all). Plain data: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from conformance.sandbox.reserved import is_reserved_id
from conformance.sandbox.users import User

__all__ = ["Incident", "Outcome", "Sandbox", "expected_outcomes"]

Outcome = Literal["accepted", "forbidden"]


@dataclass(frozen=True)
class Incident:
    id: str
    workspace: str
    source: str | None = None
    """The incident's source (``Sentinel``, ``QRadar``...), where the read path needs it."""


@dataclass(frozen=True)
class Sandbox:
    """Incidents the writer credential may update (writable) and may not (foreign), and the
    users it may assign them to."""

    writable: tuple[Incident, ...] = ()
    foreign: tuple[Incident, ...] = ()
    users: tuple[User, ...] = ()

    def incident(self, incident_id: str) -> Incident | None:
        for incident in (*self.writable, *self.foreign):
            if incident.id == incident_id:
                return incident
        return None

    def workspace_of(self, incident_id: str) -> str | None:
        for incident in (*self.writable, *self.foreign):
            if incident.id == incident_id:
                return incident.workspace
        return None

    def is_writable(self, incident_id: str) -> bool:
        return any(incident.id == incident_id for incident in self.writable)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(incident.id for incident in (*self.writable, *self.foreign))

    def allows_write_to(self, incident_id: object) -> bool:
        """May a request carry this id? A blank string names nothing, so it may; otherwise
        only a sandbox incident or a reserved id (``conformance.sandbox.reserved``)."""
        if not isinstance(incident_id, str):
            return False
        if not incident_id.strip() or incident_id in self.ids:
            return True
        return is_reserved_id(incident_id, self.ids)

    @property
    def workspaces(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.workspace for i in (*self.writable, *self.foreign)))


def _outcome_of(sandbox: Sandbox, incident_id: str, workspace: object) -> Outcome | None:
    if not sandbox.is_writable(incident_id):
        return "forbidden"  # foreign, or an id that exists nowhere
    if workspace is None or workspace == sandbox.workspace_of(incident_id):
        return "accepted"
    if isinstance(workspace, str) and not workspace.strip():
        # A blank hint names no workspace (C19), so accepting is right; but the contract
        # does not forbid a server from refusing a hint it cannot use, so either is fine.
        return None
    return "forbidden"  # a writable incident named with a workspace that is not its own


def expected_outcomes(
    sandbox: Sandbox, items: Iterable[Mapping[str, Any]]
) -> dict[str, Outcome | None]:
    """The outcome C20 expects per requested id.

    ``None`` means the contract does not decide: a writable incident sent with a blank hint,
    or the same id sent more than once with hints that lead to different outcomes.
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
