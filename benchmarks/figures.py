"""Pure arithmetic on measurements: rates, medians, ratios, and the machine they came from."""

from __future__ import annotations

import math
import os
import platform
import statistics
from collections.abc import Sequence
from importlib import metadata

__all__ = ["machine_info", "median_ratio", "median_requests", "rate", "ratio", "steady_rate"]

# Library versions quoted with the figures: a new schemathesis or Hypothesis moves them.
VERSIONED_PACKAGES = ("schemathesis", "hypothesis", "httpx", "starlette", "uvicorn")


def rate(count: int, seconds: float) -> float:
    """Events per second; 0.0 when nothing happened or no time passed."""
    if count <= 0 or seconds <= 0:
        return 0.0
    return count / seconds


def steady_rate(starts: Sequence[float]) -> float:
    """Events per second from the start times of consecutive events.

    Each interval between two starts is one full cycle (generate, send, check), so start-up
    and collection before the first event, and the checks after the last, are left out.
    """
    if len(starts) < 2:
        return 0.0
    return rate(len(starts) - 1, starts[-1] - starts[0])


def median_requests(counts: Sequence[int | None]) -> float | None:
    """The median of requests-to-detection over seeds; ``None`` counts as never detected.

    An undetected seed sorts above every count, so the median is ``None`` once at least half
    of the seeds (the middle one, or one of the middle two) missed the fault.
    """
    if not counts:
        return None
    middle = statistics.median(math.inf if count is None else count for count in counts)
    return None if math.isinf(middle) else middle


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or ``None`` when the denominator was not measured."""
    if denominator <= 0:
        return None
    return numerator / denominator


def median_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float | None:
    """The median over rounds of each round's ratio.

    Both figures of a round were measured minutes apart at most, so a round's ratio survives
    the load drift of a shared machine better than a ratio of medians would.
    """
    ratios = [ratio(n, d) for n, d in zip(numerators, denominators, strict=True)]
    measured = [value for value in ratios if value is not None]
    return statistics.median(measured) if measured else None


def machine_info() -> dict[str, object]:
    versions: dict[str, str | None] = {}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": versions,
        # Shared machines: the load next to the figures says how much they may have drifted.
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }
