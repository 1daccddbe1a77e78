"""What every phase shares: send a planned request, build the exchange, run the checks.

Probes, properties and fuzzing differ only in where their requests come from; they all send
through ``PhaseContext.exchange`` so that the client's safety rules, the recorder's tally
and the handling of unanswered requests (C22) apply to each request of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.checks import Exchange, Intent, Request
from conformance.reports import Progress
from conformance.run.client import NoAnswer, PlannedRequest, StillThrottled, TargetClient
from conformance.run.liveness import Liveness, unanswered_failure
from conformance.run.probes import Probe
from conformance.run.recorder import Recorder

__all__ = ["PhaseContext", "Unanswered", "run_probes"]


class Unanswered(Exception):
    """The request got no answer while the target answers others.

    It is already recorded as a C22 finding; the phase moves on to its next request.
    """


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

    def exchange(self, planned: PlannedRequest, intent: Intent, *, phase: str) -> Exchange:
        """Send ``planned`` and pair the answer with the request as sent.

        Raises ``Unanswered`` once a request that got no answer is recorded under ``phase``,
        and ``TargetUnreachable`` when the liveness checks say the target is gone.
        """
        try:
            response = self.client.send(planned)
        except NoAnswer as silence:
            self.liveness.confirm()
            request = Request.from_content(
                planned.method, silence.url, dict(planned.headers), planned.content
            )
            failure = unanswered_failure(planned, silence, self.client)
            self.recorder.unanswered(failure, request, phase=phase)
            raise Unanswered(str(failure)) from None
        request = Request.from_content(
            planned.method, str(response.request.url), dict(planned.headers), planned.content
        )
        return Exchange(request, response, intent)


def run_probes(context: PhaseContext, probes: list[Probe]) -> None:
    context.progress.start("probes", len(probes))
    for probe in probes:
        phase = f"probe: {probe.name}"
        try:
            exchange = context.exchange(probe.request, probe.intent, phase=phase)
        except StillThrottled:
            context.progress.advance()
            continue
        except Unanswered:
            context.progress.advance(failures=1)
            continue
        failures = context.recorder.check(exchange, phase=phase)
        context.progress.advance(failures=len(failures))
    context.progress.finish()
