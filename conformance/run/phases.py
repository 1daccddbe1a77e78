"""What every phase shares: send a planned request, build the exchange, run the checks.

Probes, properties and fuzzing differ only in where their requests come from; they all send
through ``PhaseContext.exchange`` so that the client's safety rules and the recorder's tally
apply to each request of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.checks import Exchange, Intent, Request
from conformance.reports import Progress
from conformance.run.client import PlannedRequest, StillThrottled, TargetClient
from conformance.run.liveness import Liveness
from conformance.run.probes import Probe
from conformance.run.recorder import Recorder

__all__ = ["PhaseContext", "run_probes"]


@dataclass
class PhaseContext:
    client: TargetClient
    recorder: Recorder
    progress: Progress
    seed: int
    database_dir: str | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(clause, reason) pairs for clauses a phase could not exercise."""
    liveness: Liveness = field(init=False)

    def __post_init__(self) -> None:
        self.liveness = Liveness(self.client)

    def exchange(self, planned: PlannedRequest, intent: Intent) -> Exchange:
        response = self.client.send(planned)
        request = Request.from_content(
            planned.method, str(response.request.url), dict(planned.headers), planned.content
        )
        return Exchange(request, response, intent)


def run_probes(context: PhaseContext, probes: list[Probe]) -> None:
    context.progress.start("probes", len(probes))
    for probe in probes:
        try:
            exchange = context.exchange(probe.request, probe.intent)
        except StillThrottled:
            context.progress.advance()
            continue
        failures = context.recorder.check(exchange, phase=f"probe: {probe.name}")
        context.progress.advance(failures=len(failures))
    context.progress.finish()
