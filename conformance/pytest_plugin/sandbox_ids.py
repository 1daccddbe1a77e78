"""``cf_sandbox``: the incidents a test may write to, and fresh ids that exist nowhere."""

from __future__ import annotations

import uuid

from conformance.sandbox import Sandbox, reserved_id

__all__ = ["SandboxIds"]


class SandboxIds(Sandbox):
    """The target's ``[sandbox]`` (writable and foreign incidents) plus reserved ids.

    It is a ``Sandbox``, so the strategies take it as it is
    (``bulk_update_requests(cf_sandbox)``). A reserved id begins ``cfct-``: no real incident
    has it, so a request may carry it, and the contract expects it ``forbidden`` (C20).
    """

    @classmethod
    def of(cls, sandbox: Sandbox) -> SandboxIds:
        return cls(writable=sandbox.writable, foreign=sandbox.foreign)

    def reserved_id(self) -> str:
        """A fresh id in the reserved namespace, different at every call."""
        return reserved_id(uuid.uuid4().int)

    @property
    def caller_workspaces(self) -> tuple[str, ...]:
        """The workspaces of the writable incidents: those the writer credential has a role on."""
        return tuple(dict.fromkeys(incident.workspace for incident in self.writable))
