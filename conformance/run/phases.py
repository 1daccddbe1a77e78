"""What every phase shares: send a planned request, build the exchange, run the checks.

Probes, properties and fuzzing differ only in where their requests come from; they all send
through ``PhaseContext.send`` so that the client's safety rules, the recorder's tally and the
handling of unanswered requests (C22) apply to each request of the run.

Requests of a phase may be in flight side by side (``run.concurrency``). Counting is safe from
any thread, but the findings are recorded in the order the phase planned its requests, not
in the order the answers came back, so a report lists them the same way every time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from conformance.checks import ConformanceFailure, Exchange, Intent, Request
from conformance.reports import Progress
from conformance.run.client import NoAnswer, PlannedRequest, StillThrottled, TargetClient
from conformance.run.concurrency import in_index_order, run_pool
from conformance.run.credential_check import CredentialWatch
from conformance.run.liveness import Liveness, unanswered_failure
from conformance.run.probes import Probe
from conformance.run.recorder import Recorder
from conformance.run.silences import Silences

__all__ = ["PhaseAborted", "PhaseContext", "Unanswered", "run_probes"]


class Unanswered(Exception):
    """The request got no answer while the target answers others.

    ``failure`` is its C22 finding and ``request`` the request as sent. ``send`` has counted
    it already; recording it is the caller's, in the order the phase planned its requests.
    The phase moves on to its next request.
    """

    def __init__(self, failure: ConformanceFailure, request: Request) -> None:
        super().__init__(str(failure))
        self.failure, self.request = failure, request


class PhaseAborted(BaseException):
    """Carries an error that must end the run at once, past Hypothesis.

    Hypothesis shrinks any ``Exception`` raised by a test; an unreachable target or a spent
    write budget must instead stop the phase immediately, so it travels as a BaseException.
    """

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


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
    credentials: CredentialWatch = field(init=False)
    """Stops the run when a configured credential starts being refused."""
    pool: ThreadPoolExecutor = field(init=False)
    """The run's threads, kept from one phase to the next (``conformance.run.concurrency``)."""
    silences: Silences = field(init=False, default_factory=Silences)
    """What the unanswered requests looked like (``conformance.run.silences``)."""
    begun: list[str] = field(init=False, default_factory=list)
    """The phases begun so far, in order (``conformance.run.budget``)."""

    def __post_init__(self) -> None:
        self.liveness = Liveness(self.client)
        self.credentials = CredentialWatch(self.client, self.client.target.credentials)
        self.pool = run_pool(self.client.concurrency)

    def close(self) -> None:
        """Let the run's threads go; a task still running (an interrupted run) finishes alone."""
        self.pool.shutdown(wait=False, cancel_futures=True)

    @property
    def concurrency(self) -> int:
        return self.client.concurrency

    def begin(self, phase: str) -> None:
        """``phase`` starts: a run cut short names it as the phase it was in."""
        self.begun.append(phase)

    def time_left(self) -> float:
        """Seconds until the run's deadline (``math.inf`` without one): how long a phase
        that waits for something other than an answer may still wait."""
        return self.client.deadline.time_left()

    def skips(self, planned: PlannedRequest, *, phase: str) -> bool:
        """Whether a generated request is shaped like one left unanswered (then counted as
        skipped, and not to be sent)."""
        return self.silences.skip(planned, phase=phase)

    def send(self, planned: PlannedRequest, intent: Intent) -> Exchange:
        """Send ``planned`` and pair the answer with the request as sent.

        Raises ``Unanswered``, counted but not recorded, for a request that got no answer,
        ``TargetUnreachable`` when the liveness checks say the target is gone, and
        ``CredentialRevoked`` when a configured credential has started being refused.
        """
        try:
            response = self.client.send(planned, confirm=self.liveness.confirm)
        except NoAnswer as silence:
            if not silence.confirmed:
                self.liveness.confirm()
            self.silences.unanswered(planned)
            request = Request.from_content(
                planned.method, silence.url, dict(planned.headers), planned.content
            )
            failure = unanswered_failure(planned, silence, self.client)
            self.recorder.count_unanswered(failure)
            raise Unanswered(failure, request) from None
        self.credentials.after(planned, response.status_code)
        self.silences.answered(planned)
        request = Request.from_content(
            planned.method, str(response.request.url), dict(planned.headers), planned.content
        )
        return Exchange(request, response, intent)


ProbeOutcome = tuple[Exchange, list[ConformanceFailure]] | Unanswered | None
"""A judged answer, a request left unanswered, or nothing to judge (still throttled)."""


def run_probes(context: PhaseContext, probes: list[Probe]) -> None:
    """Send the probes, ``concurrency`` at a time; record their findings in probe order."""
    context.begin("probes")
    context.progress.start("probes", len(probes))
    outcomes: list[ProbeOutcome] = [None] * len(probes)

    def send(index: int) -> None:
        outcomes[index] = _probe(context, probes[index])

    try:
        in_index_order(context.pool, send, len(probes), threads=context.concurrency)
    finally:
        # Also when the target went away: what was judged before that is reported.
        for probe, outcome in zip(probes, outcomes, strict=True):
            phase = f"probe: {probe.name}"
            if isinstance(outcome, Unanswered):
                context.recorder.record_unanswered(outcome.failure, outcome.request, phase=phase)
            elif outcome is not None:
                exchange, failures = outcome
                for failure in failures:
                    context.recorder.add(failure, exchange, phase=phase)
        context.progress.finish()


def _probe(context: PhaseContext, probe: Probe) -> ProbeOutcome:
    try:
        exchange = context.send(probe.request, probe.intent)
    except StillThrottled:
        context.progress.advance()
        return None
    except Unanswered as silence:
        context.progress.advance(failures=1)
        return silence
    failures = context.recorder.evaluate(exchange)
    context.progress.advance(failures=len(failures))
    return exchange, failures
