"""What one reference app instance holds: its settings, accounts, store and worker."""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.reference.accounts import READ_SCOPE, WRITE_SCOPE, Credentials, ServiceAccount
from conformance.reference.body import RequestValidator
from conformance.reference.stop_signal import StopSignal
from conformance.reference.store import IncidentStore
from conformance.reference.worker import UpdateWorker
from conformance.sandbox import Incident, Sandbox

__all__ = ["MAX_BODY_BYTES", "ReferenceState", "Settings", "sandbox_for"]

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    max_items: int = 100
    max_body_bytes: int = MAX_BODY_BYTES
    write_scope: str = WRITE_SCOPE
    read_scope: str = READ_SCOPE


def sandbox_for(store: IncidentStore, account: ServiceAccount) -> Sandbox:
    """The account's view of the store, in the shape a target file's ``[sandbox]`` has."""
    writable: list[Incident] = []
    foreign: list[Incident] = []
    for workspace, ids in store.ids_by_workspace().items():
        bucket = writable if workspace in account.workspaces else foreign
        for incident_id in ids:
            stored = store.snapshot(incident_id) or {}
            # The read path names the incident's source, so the sandbox carries it.
            source = stored.get("incidentSource")
            bucket.append(Incident(id=incident_id, workspace=workspace, source=source))
    return Sandbox(writable=tuple(writable), foreign=tuple(foreign))


@dataclass
class ReferenceState:
    settings: Settings
    credentials: Credentials
    store: IncidentStore
    worker: UpdateWorker
    validator: RequestValidator
    sandbox: Sandbox = field(init=False)
    stopping: StopSignal = field(default_factory=StopSignal)
    """Set when the server serving this app begins to stop (see ``ReferenceServer.stop``)."""

    def __post_init__(self) -> None:
        # Taken before any fault can touch the app, so it always describes the true store.
        self.sandbox = sandbox_for(self.store, self.credentials.writer)
