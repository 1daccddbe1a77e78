"""How fast ``bulk_update_requests`` draws examples, with no I/O at all."""

from __future__ import annotations

import time
from dataclasses import dataclass

import hypothesis
from hypothesis import HealthCheck

import strategies
from benchmarks.figures import rate
from conformance.sandbox import Sandbox

__all__ = ["GenerationResult", "run_generation"]


@dataclass(frozen=True)
class GenerationResult:
    examples: int
    seconds: float
    max_items: int

    @property
    def examples_per_second(self) -> float:
        return rate(self.examples, self.seconds)


def run_generation(
    sandbox: Sandbox, *, examples: int, seed: int, max_items: int = 20
) -> GenerationResult:
    """Draw ``examples`` requests through ``@given``; the clock covers the whole test call."""
    drawn = 0

    @hypothesis.settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.seed(seed)
    @hypothesis.given(strategies.bulk_update_requests(sandbox, max_items=max_items))
    def draw(example: strategies.BulkUpdateExample) -> None:
        nonlocal drawn
        drawn += 1

    started = time.perf_counter()
    draw()
    return GenerationResult(
        examples=drawn, seconds=time.perf_counter() - started, max_items=max_items
    )
