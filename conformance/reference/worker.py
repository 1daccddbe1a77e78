"""The asynchronous half of a bulk update (C21): accepted items are applied after the answer.

The worker thread exists only while there is work: it starts on the first submitted batch and
ends when the queue is empty. Servers and test apps can therefore be created by the hundred
without leaving idle threads behind, and nothing needs an explicit shutdown.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from conformance.reference.store import IncidentStore

__all__ = ["UpdateWorker"]


class UpdateWorker:
    def __init__(self, store: IncidentStore) -> None:
        self._store = store
        self._queue: collections.deque[Mapping[str, Any]] = collections.deque()
        self._condition = threading.Condition()
        self._running = False
        self._applied = 0
        self.failures: list[str] = []
        """Updates that raised; a conforming server keeps this empty (tests assert it)."""

    @property
    def applied(self) -> int:
        with self._condition:
            return self._applied

    def submit(self, items: Iterable[Mapping[str, Any]]) -> None:
        with self._condition:
            self._queue.extend(items)
            if self._queue and not self._running:
                self._running = True
                threading.Thread(target=self._drain, name="reference-worker", daemon=True).start()

    def _drain(self) -> None:
        while True:
            with self._condition:
                if not self._queue:
                    self._running = False
                    self._condition.notify_all()
                    return
                item = self._queue.popleft()
            try:
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
                lambda: not self._running and not self._queue, timeout=timeout
            )
