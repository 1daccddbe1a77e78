"""Whose turn it is to shrink: the runs of one property take turns, in run order.

A run that finds a failure waits before it shrinks it: until every run before it has
finished, and no run that has started after it is still generating. Shrinking thus goes one
failure at a time, in run order, with nothing else of the property in flight: an answer that
depends on the requests around it (a cross-request leak) is shrunk on the run's own requests
alone. A run that has not started yet does not hold anyone up; it starts generating only
once nobody is shrinking.

Turns depend only on run order, never on how many threads serve the runs: the runs start in
index order (``concurrency.in_index_order``), so every run before a waiting one has started
and will finish or wait in its turn.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Literal

from conformance.checks import ConformanceFailure

__all__ = ["SHRINK_REQUESTS", "FailureKind", "ShrinkTurns", "Stopped", "failure_kind"]

SHRINK_REQUESTS = 200
"""Requests a property may send beyond its planned examples, shrinking a failure or making up
for unanswered ones: staging is rate-limited, a small-enough example is worth more than the
smallest possible one, and each unanswered request costs a full timeout."""

FailureKind = tuple[str, str]
"""(check, title): failures of one kind are the same bug, whatever the example."""


def failure_kind(failures: Sequence[ConformanceFailure]) -> FailureKind:
    """The kind of a failing example: that of its first failure."""
    return (failures[0].check, failures[0].title)


State = Literal["pending", "generating", "waiting", "shrinking", "finished"]


class Stopped(BaseException):
    """Another run of the property aborted it: this one stops where it is."""


class ShrinkTurns:
    """What the runs of one property share: the stop signal, shrinking turns, the budget."""

    def __init__(self, runs: int) -> None:
        self.stop = threading.Event()
        self._states: list[State] = ["pending"] * runs
        self._extra_sent = [0] * runs
        self._shrunk: set[FailureKind] = set()
        self._turns = threading.Condition()

    def begin(self, index: int) -> None:
        """Run ``index`` starts generating, once nobody is shrinking."""
        with self._turns:
            self._turns.wait_for(lambda: self.stop.is_set() or "shrinking" not in self._states)
            self._states[index] = "generating"
        if self.stop.is_set():
            raise Stopped

    def wait_for_turn(self, index: int) -> None:
        """Return once run ``index`` may shrink (raises ``Stopped`` when the property stops)."""
        with self._turns:
            self._states[index] = "waiting"
            self._turns.notify_all()
            self._turns.wait_for(lambda: self.stop.is_set() or self._may_shrink(index))
            self._states[index] = "shrinking"
        if self.stop.is_set():
            raise Stopped

    def _may_shrink(self, index: int) -> bool:
        before, after = self._states[:index], self._states[index + 1 :]
        return all(state == "finished" for state in before) and all(
            state in ("pending", "waiting", "finished") for state in after
        )

    def budget_left(self, index: int) -> int:
        """``SHRINK_REQUESTS`` less what the runs before ``index`` sent beyond their share."""
        with self._turns:
            return max(SHRINK_REQUESTS - sum(self._extra_sent[:index]), 0)

    def shrunk(self, kind: FailureKind) -> bool:
        """Whether an earlier run shrank a failure of this kind already."""
        with self._turns:
            return kind in self._shrunk

    def finish(self, index: int, *, extra_sent: int, found: FailureKind | None) -> None:
        with self._turns:
            self._states[index] = "finished"
            self._extra_sent[index] = extra_sent
            if found is not None:
                self._shrunk.add(found)
            self._turns.notify_all()

    def abort(self) -> None:
        self.stop.set()
        with self._turns:
            self._turns.notify_all()
