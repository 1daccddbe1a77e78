"""What a request the target never answers costs a run: the ``default`` profile against the
reference API with each C22 fault, next to the same run without it.

Unlike the detection runs, these keep a target file's default limits (``timeout_seconds`` 10,
``retries`` 2): the figure is what a user meets against a server that stalls on one kind of
request. The ratio of each faulty run's wall time to the clean run's is what the run's hang
rules bound (one timeout per hang, shapes alike skipped, one replay per C22 finding).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.detection import RunFigures, run_profile
from conformance.reference import FAULTS
from conformance.run.target import Limits

__all__ = ["HANG_FAULTS", "HangCost", "hang_cost"]

HANG_FAULTS = tuple(name for name, fault in FAULTS.items() if fault.clause == "C22")


@dataclass(frozen=True)
class HangCost:
    clean: RunFigures
    faulty: dict[str, RunFigures]

    def ratio(self, fault: str) -> float:
        """The faulty run's wall time over the clean run's."""
        return self.faulty[fault].seconds / self.clean.seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "timeout_seconds": Limits.timeout_seconds,
            "retries": Limits.retries,
            "clean_seconds": round(self.clean.seconds, 1),
            "faults": {
                fault: {
                    "seconds": round(run.seconds, 1),
                    "ratio": round(self.ratio(fault), 2),
                    "exit_code": run.exit_code,
                    "failed_clauses": list(run.failed_clauses),
                }
                for fault, run in self.faulty.items()
            },
        }


def hang_cost(seed: int, *, say: Callable[[str], None] = lambda text: None) -> HangCost:
    """The clean run, then one run per C22 fault, all with the same seed and default limits."""
    limits = {"timeout_seconds": Limits.timeout_seconds, "retries": Limits.retries}
    clean = run_profile(seed, **limits)
    say(f"  clean: {clean.seconds:.1f} s (exit {clean.exit_code})")
    faulty = {}
    for fault in HANG_FAULTS:
        run = run_profile(seed, (fault,), **limits)
        faulty[fault] = run
        say(
            f"  {fault}: {run.seconds:.1f} s, {run.seconds / clean.seconds:.1f}x the clean run "
            f"(exit {run.exit_code}, failing {', '.join(run.failed_clauses) or 'nothing'})"
        )
    return HangCost(clean, faulty)
