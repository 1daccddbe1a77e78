"""The asynchronous half of a bulk update (C21): accepted items are applied after the answer.

Each item is applied ``apply_delay`` seconds after it was submitted, as a queue-fed worker of a
real deployment would: reads served meanwhile show the old state. The worker thread exists only
while there is work: it starts on the first submitted batch and ends when nothing is pending.
Servers and test apps can therefore be created by the hundred without leaving idle threads
behind, and nothing needs an explicit shutdown.

Faults change what the worker does without touching the conforming path: ``rewrites`` see each
item just before it is applied (and may drop it), and ``pending="stack"`` lets an update jump
ahead of earlier pending updates to the same incident.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from conformance.reference.store import IncidentStore

__all__ = [
    "DEFAULT_APPLY_DELAY",
    "PendingOrder",
    "UpdateRewrite",
    "UpdateWorker",
    "check_apply_delay",
]

DEFAULT_APPLY_DELAY = 0.3
"""Seconds between an accepted update and its effect: small, so the test suite stays fast."""

UpdateRewrite = Callable[[Mapping[str, Any]], Mapping[str, Any] | None]
"""An item as it will be applied, or None to drop it."""

PendingOrder = Literal["queue", "stack"]


def check_apply_delay(seconds: float) -> float:
    """``seconds`` when it is a finite delay of at least 0, else ``ValueError``."""
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"the apply delay must be a finite number of seconds >= 0, got {seconds}")
    return seconds


@dataclass(order=True)
class _Pending:
    key: tuple[float, int, int]
    """(due time, submission number, place among updates that jumped ahead): applied in order."""
    incident_id: str = field(compare=False)
    batch: int = field(compare=False)
    item: Mapping[str, Any] = field(compare=False)


class UpdateWorker:
    def __init__(
        self,
        store: IncidentStore,
        *,
        apply_delay: float = DEFAULT_APPLY_DELAY,
        pending: PendingOrder = "queue",
    ) -> None:
        self._store = store
        self.apply_delay = check_apply_delay(apply_delay)
        self._order = pending
        self._pending: list[_Pending] = []
        self._condition = threading.Condition()
        self._running = False
        self._applied = 0
        self._batches = itertools.count()
        self._numbers = itertools.count()
        self._jumps = itertools.count(1)
        self.rewrites: list[UpdateRewrite] = []
        """Applied in order to each item before it reaches the store (faults only)."""
        self.failures: list[str] = []
        """Updates that raised; a conforming server keeps this empty (tests assert it)."""

    @property
    def applied(self) -> int:
        with self._condition:
            return self._applied

    def submit(self, items: Iterable[Mapping[str, Any]]) -> None:
        """Schedule one request's items, in request order, ``apply_delay`` from now."""
        due = time.monotonic() + self.apply_delay
        with self._condition:
            batch = next(self._batches)
            for item in items:
                incident_id = str(item.get("id"))
                key = (due, next(self._numbers), 0)
                if self._order == "stack":
                    key = self._ahead_of_earlier(incident_id, batch, key)
                heapq.heappush(self._pending, _Pending(key, incident_id, batch, item))
            if self._pending and not self._running:
                self._running = True
                threading.Thread(target=self._drain, name="reference-worker", daemon=True).start()
            self._condition.notify_all()

    def _ahead_of_earlier(
        self, incident_id: str, batch: int, key: tuple[float, int, int]
    ) -> tuple[float, int, int]:
        """The key that puts an update before every pending one of an earlier batch."""
        earlier = [p.key for p in self._pending if p.incident_id == incident_id and p.batch < batch]
        if not earlier:
            return key
        due, number, _ = min(earlier)
        return (due, number, -next(self._jumps))

    def _drain(self) -> None:
        while True:
            with self._condition:
                if not self._pending:
                    self._running = False
                    self._condition.notify_all()
                    return
                wait = self._pending[0].key[0] - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                item: Mapping[str, Any] | None = heapq.heappop(self._pending).item
            try:
                for rewrite in self.rewrites:
                    item = rewrite(item) if item is not None else None
                if item is not None:
                    self._store.apply_update(item)
            except Exception as exc:  # recorded, so that one bad item cannot stall the queue
                with self._condition:
                    self.failures.append(f"{type(exc).__name__}: {exc}")
            with self._condition:
                self._applied += 1

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until every submitted update is applied; False if ``timeout`` ran out."""
        with self._condition:
            return self._condition.wait_for(
                lambda: not self._running and not self._pending, timeout=timeout
            )
