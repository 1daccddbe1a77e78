"""A clock and a sleep for ``TargetClient`` that never wait: sleeps are recorded instead."""

from __future__ import annotations


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now
