"""The limits a run keeps to, and the range of each: the one place a limit is checked.

A limit out of its range is refused by ``Limits`` itself, whoever builds it: the target file's
``[limits]`` table, ``--concurrency`` on the command line, or ``RunOptions``. Each of those
only says where the value came from (``LimitError.key``, ``problem`` and ``fix``). A light
module of its own, so that the command line can check a value without loading the run layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance.concurrency import DEFAULT_CONCURRENCY, MAX_CONCURRENCY

__all__ = ["LIMIT_RANGES", "LimitError", "Limits", "Range"]


class LimitError(ValueError):
    """A limit of the wrong type or out of its range: which one, what is wrong, the fix."""

    def __init__(self, key: str, problem: str, fix: str) -> None:
        super().__init__(f"{key}: {problem} ({fix})")
        self.key, self.problem, self.fix = key, problem, fix


@dataclass(frozen=True)
class Range:
    """The values a limit may take: a whole number (``int``) or any number (``float``)."""

    kind: type[int] | type[float]
    low: float
    high: float | None = None

    @property
    def bound(self) -> str:
        return f">= {self.low}" if self.high is None else f"between {self.low} and {self.high}"

    def checked(self, key: str, value: object) -> Any:
        """``value`` as a ``kind``; ``LimitError`` when it is not one or is out of range."""
        fix = f"use a number {self.bound}"
        accepted = (int, float) if self.kind is float else int
        if isinstance(value, bool) or not isinstance(value, accepted):
            raise LimitError(key, f"must be a {self.kind.__name__}, got {value!r}", fix)
        if value < self.low or (self.high is not None and value > self.high):
            raise LimitError(key, f"must be {self.bound}, got {value!r}", fix)
        return self.kind(value)


LIMIT_RANGES: Mapping[str, Range] = {
    "requests_per_second": Range(float, 0.01),
    "max_items": Range(int, 1),
    "max_write_requests": Range(int, 1),
    "max_429_share": Range(float, 0.0, 1.0),
    "timeout_seconds": Range(float, 0.1),
    "retries": Range(int, 0, 10),
    "concurrency": Range(int, 1, MAX_CONCURRENCY),
    "max_run_seconds": Range(float, 1.0),
}
"""Every field of ``Limits`` and its range (``None`` stays allowed where it is the default)."""


@dataclass(frozen=True)
class Limits:
    requests_per_second: float | None = None
    max_items: int | None = None
    max_write_requests: int | None = None
    max_429_share: float = 0.2
    timeout_seconds: float = 10.0
    retries: int = 2
    concurrency: int = DEFAULT_CONCURRENCY
    """Requests in flight at once; ``requests_per_second`` still caps the rate."""
    max_run_seconds: float | None = None
    """The run's wall-clock budget; ``None`` keeps the profile's (``conformance.run.budget``)."""

    def __post_init__(self) -> None:
        for key, allowed in LIMIT_RANGES.items():
            value = getattr(self, key)
            if value is not None:
                object.__setattr__(self, key, allowed.checked(key, value))

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> Limits:
        """The limits a ``[limits]`` table sets; the others keep their defaults."""
        return cls(**{key: value for key, value in table.items() if key in LIMIT_RANGES})
