"""Per-incident authorisation of a bulk update (C16-C20).

Every distinct requested id is answered exactly once. The first item that names an id decides
its outcome; later duplicates of an accepted id are applied too when they would have been
accepted on their own, so that a batch is processed in request order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from conformance.reference.accounts import ServiceAccount
from conformance.reference.store import IncidentStore

__all__ = ["BulkDecision", "decide"]


@dataclass
class BulkDecision:
    accepted: list[str] = field(default_factory=list)
    forbidden: list[dict[str, str | None]] = field(default_factory=list)
    updates: list[Mapping[str, Any]] = field(default_factory=list)
    """The items to hand to the worker, in request order."""

    def as_dto(self) -> dict[str, Any]:
        return {"accepted": list(self.accepted), "forbidden": [dict(f) for f in self.forbidden]}


def _refusal(
    incident_id: str, hint: str | None, home: str | None, account: ServiceAccount
) -> tuple[str | None, str] | None:
    """``(workspaceId, reason)`` when the account may not update the incident, else None."""
    if home is None:
        return hint, "no incident with this id exists in a workspace visible to the caller"
    if home not in account.workspaces:
        return hint or home, "the caller has no role on the incident's workspace"
    if hint is not None and hint != home:
        return hint, "the incident does not belong to the workspace named in the request"
    return None


def decide(
    items: Sequence[Mapping[str, Any]], account: ServiceAccount, store: IncidentStore
) -> BulkDecision:
    """``items`` have passed schema validation: each is an object with a string ``id``."""
    decision = BulkDecision()
    outcome_of: dict[str, bool] = {}
    for item in items:
        incident_id: str = item["id"]
        hint = item.get("workspace")
        refusal = _refusal(incident_id, hint, store.workspace_of(incident_id), account)
        if incident_id not in outcome_of:
            outcome_of[incident_id] = refusal is None
            if refusal is None:
                decision.accepted.append(incident_id)
            else:
                workspace, reason = refusal
                decision.forbidden.append(
                    {"incidentId": incident_id, "workspaceId": workspace, "reason": reason}
                )
        if refusal is None and outcome_of[incident_id]:
            decision.updates.append(item)
    return decision
