"""The run's deadline: every request of a run respects it (``conformance.run.budget``).

Kept apart from the budget's bookkeeping so that the client, which every phase sends
through, holds the deadline without loading the rest of the run layer.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["Deadline", "OutOfTime"]


class OutOfTime(RuntimeError):
    """The run's time budget is spent: nothing more is sent."""


class Deadline:
    """``seconds`` from now on ``clock``; ``None`` for a run without a budget (tests)."""

    def __init__(
        self, seconds: float | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._ends = math.inf if seconds is None else clock() + seconds
        self.ran_out = False
        """Something was refused or cut because the deadline had passed."""

    def time_left(self) -> float:
        """Seconds until the deadline (``math.inf`` without one); never negative."""
        return max(self._ends - self._clock(), 0.0)

    @property
    def passed(self) -> bool:
        return self._clock() >= self._ends

    def check(self) -> None:
        """Raise ``OutOfTime`` once the deadline has passed."""
        if self.passed:
            raise self.exhausted()

    def exhausted(self) -> OutOfTime:
        """The ``OutOfTime`` to raise for what the deadline refuses or cuts; notes that it did."""
        self.ran_out = True
        return OutOfTime(
            f"the run's time budget of {self.seconds:g} s is spent (raise "
            "limits.max_run_seconds or --max-run-seconds to allow more)"
        )
