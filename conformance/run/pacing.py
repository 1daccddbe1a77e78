"""When the next request of a run may leave: ``requests_per_second`` and ``Retry-After``.

One ``Pacer`` serves every thread of a run, so both limits hold for the run as a whole, not
per thread. A request takes the next free slot, one request at a time: the lock is held while
it waits, so slots go out in order, each ``1 / requests_per_second`` after the one before.
A 429's ``Retry-After`` holds back every request of the run until it has passed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["Pacer"]


class Pacer:
    def __init__(
        self,
        requests_per_second: float | None,
        *,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
    ) -> None:
        self._interval = 1.0 / requests_per_second if requests_per_second else 0.0
        self._sleep, self._clock = sleep, clock
        self._next_slot = 0.0
        self._not_before = 0.0
        """Set by a 429: no request leaves before this time (on ``clock``)."""
        self._lock = threading.Lock()

    def wait_turn(self) -> float:
        """Wait until a request may leave; the time it leaves, on ``clock``."""
        with self._lock:
            now = self._clock()
            start = max(self._next_slot, self._not_before)
            if start > now:
                self._sleep(start - now)
                now = max(self._clock(), start)
            if self._interval:
                self._next_slot = now + self._interval
            return now

    def hold_back(self, seconds: float) -> None:
        """After a 429: no request of the run leaves for ``seconds``."""
        until = self._clock() + seconds
        with self._lock:
            self._not_before = max(self._not_before, until)
