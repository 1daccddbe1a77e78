"""A clock and a sleep for ``TargetClient`` that never wait: sleeps are recorded instead."""

from __future__ import annotations

import threading


class FakeTime:
    """Thread-safe: the client may sleep from several threads at once."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds

    def clock(self) -> float:
        return self.now
