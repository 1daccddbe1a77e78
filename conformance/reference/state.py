"""What one reference app instance holds: its settings, accounts, store and worker."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from conformance.reference.accounts import READ_SCOPE, WRITE_SCOPE, Credentials, ServiceAccount
from conformance.reference.body import RequestValidator
from conformance.reference.stop_signal import StopSignal
from conformance.reference.store import IncidentStore
from conformance.reference.worker import DEFAULT_APPLY_DELAY, PendingOrder, UpdateWorker
from conformance.sandbox import Incident, Sandbox

__all__ = ["MAX_BODY_BYTES", "ReadSide", "ReferenceState", "Settings", "sandbox_for"]

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    max_items: int = 100
    max_body_bytes: int = MAX_BODY_BYTES
    write_scope: str = WRITE_SCOPE
    read_scope: str = READ_SCOPE
    apply_delay_seconds: float = DEFAULT_APPLY_DELAY
    """How long after the answer an accepted update is applied."""
    pending_updates: PendingOrder = "queue"
    """How the worker orders pending updates; a stack is a fault (``later-update-first``)."""
    read_cache_seconds: float | None = None
    """How old a copy of the store reads may be served from; None: reads see the store."""


class ReadSide:
    """What the read routes look at: the store itself, or a copy refreshed when it is too old."""

    def __init__(self, store: IncidentStore, max_age: float | None) -> None:
        self._store = store
        self._max_age = max_age
        self._copy: IncidentStore | None = None
        self._taken = 0.0
        self._lock = threading.Lock()

    def view(self) -> IncidentStore:
        if self._max_age is None:
            return self._store
        with self._lock:
            now = time.monotonic()
            if self._copy is None or now - self._taken > self._max_age:
                self._copy, self._taken = self._store.copy(), now
            return self._copy


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
    reads: ReadSide = field(init=False)
    stopping: StopSignal = field(default_factory=StopSignal)
    """Set when the server serving this app begins to stop (see ``ReferenceServer.stop``)."""

    def __post_init__(self) -> None:
        # Taken before any fault can touch the app, so it always describes the true store.
        self.sandbox = sandbox_for(self.store, self.credentials.writer)
        self.reads = ReadSide(self.store, self.settings.read_cache_seconds)
