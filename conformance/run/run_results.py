"""What the Hypothesis runs of a property found, and how it goes into the recorder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from conformance.checks import ConformanceFailure, Exchange
from conformance.run.findings import ReplayPlan
from conformance.run.phases import PhaseContext, Unanswered

__all__ = ["RunResult", "record_results"]


@dataclass
class RunResult:
    """What one run found: the requests it sent, the unanswered ones, its failure."""

    sent: int = 0
    unanswered: list[Unanswered] = field(default_factory=list)
    failure: tuple[Exchange, list[ConformanceFailure], ReplayPlan] | None = None
    suffix: str = ""
    """Added to the failure's phase: how the run ended, when that tells about the failure."""
    outcome: str = ""
    """How the run ended when it is worth a note: "unsatisfiable", "budget", or why it
    stopped early."""


def record_results(context: PhaseContext, name: str, runs: Sequence[RunResult]) -> None:
    """Record what the runs found, in run order: the same order whatever the timing."""
    for run in runs:
        for silence in run.unanswered:
            context.recorder.record_unanswered(
                silence.failure, silence.request, phase=f"property: {name}"
            )
    for run in runs:
        if run.failure is not None:
            exchange, failures, replay = run.failure
            for failure in failures:
                context.recorder.add(
                    failure,
                    exchange,
                    phase=f"property: {name}{run.suffix}",
                    kind=f"property: {name}",
                    replay=replay,
                )
    unanswered = sum(len(run.unanswered) for run in runs)
    if any(run.outcome == "unsatisfiable" for run in runs):
        context.recorder.note(
            f"{name}: too few generated requests got an answer ({unanswered} unanswered)"
            if unanswered
            else f"{name}: too few generated requests could be sent safely; widen [sandbox]"
        )
    for run in runs:
        if run.outcome.startswith("stopped early"):
            context.recorder.note(f"{name}: a run {run.outcome.splitlines()[0]}")
    spent = [run for run in runs if run.outcome == "budget" and run.failure is None]
    if spent:
        sent = sum(run.sent for run in spent)
        left = sum(len(run.unanswered) for run in spent)
        context.recorder.note(f"{name}: stopped after {sent} requests, {left} of them unanswered")
