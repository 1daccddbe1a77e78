"""Our property phase as the run drives it: generation, request, and every clause check."""

from __future__ import annotations

import io
import json
import threading
import time
from dataclasses import dataclass

import strategies
from benchmarks.figures import steady_rate
from conformance.checks import CheckContext, Intent
from conformance.concurrency import DEFAULT_CONCURRENCY
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reports import Progress
from conformance.run.client import PlannedRequest, TargetClient
from conformance.run.credentials import Redactor
from conformance.run.phases import PhaseContext
from conformance.run.properties import run_property
from conformance.run.recorder import Recorder
from conformance.run.target import Target

__all__ = ["SuiteResult", "run_suite_phase"]


@dataclass(frozen=True)
class SuiteResult:
    cases: int
    seconds: float
    """From the first example's start to the last example's start."""
    cases_per_second: float
    failures: int
    """Failures recorded: 0 on a clean server, else shrinking skewed the rate."""
    max_items: int
    mean_items: float
    """Items per generated request, for comparing with the raw loop's fixed ten."""
    concurrency: int


def run_suite_phase(
    target: Target, *, examples: int, seed: int, concurrency: int = DEFAULT_CONCURRENCY
) -> SuiteResult:
    """Run the "valid bulk updates" property with the run's own strategy and checks.

    ``max_items`` is what ``cf-conformance run`` uses against this target, so the request
    sizes are the ones a real run sends; ``concurrency`` is the run's default unless given.
    """
    target = target.with_concurrency(concurrency)
    max_items = min(target.limits.max_items or 100, 100)
    authorization = target.writer.authorization()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Authorization": authorization,
    }
    starts: list[float] = []
    items: list[int] = []
    lock = threading.Lock()

    def plan(example: strategies.BulkUpdateExample) -> list[tuple[PlannedRequest, Intent]]:
        with lock:  # the runs of the property plan from several threads
            starts.append(time.perf_counter())
            items.append(len(example.items))
        content = json.dumps(example.body, ensure_ascii=False).encode("utf-8")
        request = PlannedRequest("POST", BULK_UPDATE_PATH, headers, content)
        return [(request, Intent(auth="valid", body="valid", expected=example.expected))]

    recorder = Recorder(
        context=CheckContext(), redactor=Redactor.for_credentials(target.credentials), seed=seed
    )
    with TargetClient(target) as client:
        context = PhaseContext(
            client=client,
            recorder=recorder,
            progress=Progress(io.StringIO(), quiet=True),
            seed=seed,
        )
        try:
            run_property(
                context,
                "valid bulk updates",
                strategies.bulk_update_requests(target.sandbox, max_items=max_items),
                plan,
                max_examples=examples,
            )
        finally:
            context.close()
    starts.sort()
    return SuiteResult(
        cases=len(starts),
        seconds=starts[-1] - starts[0] if len(starts) > 1 else 0.0,
        cases_per_second=steady_rate(starts),
        failures=len(recorder.records),
        max_items=max_items,
        mean_items=sum(items) / len(items) if items else 0.0,
        concurrency=concurrency,
    )
