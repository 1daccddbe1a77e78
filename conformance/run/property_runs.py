"""One property, run by Hypothesis: its runs side by side, what they found.

A failing example is shrunk before it is reported, so the report shows the smallest request
that still breaks the clause. With ``--hypothesis-db`` the failing examples of earlier runs are
replayed first (``conformance.run.property_database``), so a failure found last night is
tried again tonight before anything new. An example whose request gets no answer is a C22
finding, recorded when the property is over, and leaves the property unshrunk: each
shrinking step would wait out a full timeout. A generated request shaped like one left
unanswered is not sent at all (``conformance.run.silences``). The requests of one example (a
leak sequence) go out one after the other, in order, from the run that drew it.
"""

from __future__ import annotations

import contextlib
import threading
import unittest
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import hypothesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st

from conformance.checks import ConformanceFailure, Exchange, Intent
from conformance.run.client import PlannedRequest, StillThrottled
from conformance.run.concurrency import Share, in_index_order, share_out
from conformance.run.findings import ReplayPlan
from conformance.run.phases import PhaseAborted, PhaseContext, Unanswered
from conformance.run.property_database import property_database
from conformance.run.run_results import RunResult, record_results
from conformance.run.shrink_turns import SHRINK_REQUESTS, ShrinkTurns, Stopped, failure_kind
from conformance.sandbox import UnsafeWriteError

__all__ = ["PhaseAborted", "Planned", "run_property"]

T = TypeVar("T")
Planned = Sequence[tuple[PlannedRequest, Intent]]
ExtraChecks = Callable[[T, Exchange], list[ConformanceFailure]]


class _LibraryCode:
    """Held by a property's runs while they run Hypothesis (and through it schemathesis): all
    but the send, the clause checks and the wait for a turn to shrink.

    Both import some modules on first use, inside a draw or a check (``st.randoms()``,
    schemathesis's mutations). Before Python 3.14, two threads importing modules that import
    each other can break one: it gets a partly initialised module (test_property_runs.py
    shows it). Drawing and judging are CPU work the interpreter runs one thread at a time
    anyway, so taking turns costs no time: one draws while the others wait for answers.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    @contextlib.contextmanager
    def let_go(self) -> Iterator[None]:
        """Let the other runs go on while this one sends, judges or waits for its turn."""
        self._lock.release()
        try:
            yield
        finally:
            self._lock.acquire()


REPLAY_PHASES = (Phase.reuse, Phase.shrink)
"""The failures an earlier run saved in ``--hypothesis-db``: replayed, and shrunk if need be."""
GENERATE_PHASES = (Phase.explicit, Phase.generate, Phase.target, Phase.shrink)


def run_property(
    context: PhaseContext,
    name: str,
    strategy: st.SearchStrategy[T],
    plan: Callable[[T], Planned],
    *,
    max_examples: int,
    extra_checks: ExtraChecks[T] | None = None,
) -> None:
    """Run one property; record the shrunk failures, if any, under ``phase = name``.

    The examples are shared out among independent Hypothesis runs on the run's threads (see
    ``conformance.run.concurrency``). A run that finds a failure shrinks it in its turn
    (``conformance.run.shrink_turns``), so a failure an earlier run already shrank is not
    shrunk (nor reported) again. What the runs found is recorded once all have finished, in
    run order.

    ``extra_checks`` adds judgements beyond the clause checks (the fuzzing phase runs
    schemathesis's own checks through it).
    """
    if max_examples <= 0:
        return
    runs: list[_Run[T]] = []
    drawn = strategy.map(_Drawn)
    context.begin(name)
    context.progress.start(name, max_examples)
    try:
        if context.database_dir is not None:
            # Earlier failures first, alone: when one still fails, it is the property's result.
            replay = Share(0, max(2, -(-max_examples // 10)), context.seed)
            runs.append(_Run(context, name, ShrinkTurns(1), replay, phases=REPLAY_PHASES))
            runs[0].run(drawn, plan, extra_checks)
            if runs[0].found.failure is not None:
                return
        shares = share_out(name, max_examples, seed=context.seed, concurrency=context.concurrency)
        turns, guard = ShrinkTurns(len(shares)), _LibraryCode()
        generated: list[_Run[T]] = [
            _Run(context, name, turns, share, phases=GENERATE_PHASES, guard=guard)
            for share in shares
        ]
        runs += generated
        try:
            in_index_order(
                context.pool,
                lambda i: generated[i].run(drawn, plan, extra_checks),
                len(generated),
                threads=len(generated),
            )
        except BaseException:
            turns.abort()  # interrupted: the runs still going stop at their next example
            raise
    finally:
        context.progress.finish()
        record_results(context, name, [run.found for run in runs])


class _RequestBudgetSpent(BaseException):
    """The run has sent its examples plus its part of ``SHRINK_REQUESTS``: it stops here
    (while shrinking, the smallest failure found so far is reported)."""


class _ShrunkAlready(BaseException):
    """An earlier run of the phase shrank a failure of the same kind: this one is dropped."""


class _Run(Generic[T]):
    """One Hypothesis run of a property: its share of examples, its seed, what it found."""

    def __init__(
        self,
        context: PhaseContext,
        name: str,
        turns: ShrinkTurns,
        share: Share,
        *,
        phases: tuple[Phase, ...],
        guard: _LibraryCode | None = None,
    ) -> None:
        self.context, self.name, self.turns = context, name, turns
        self.share, self.phases, self.guard = share, phases, guard or _LibraryCode()
        self.found = RunResult()
        self._request_cap = share.examples + SHRINK_REQUESTS
        self._shrinking = False
        # Generating runs after the first skip Hypothesis's opening example, the simplest
        # one: it is the same in every run, and the first run sends it already.
        self._skip_simplest = share.index > 0 and Phase.generate in phases

    def run(
        self,
        drawn: st.SearchStrategy[_Drawn[T]],
        plan: Callable[[T], Planned],
        extra_checks: ExtraChecks[T] | None,
    ) -> None:
        def body(example: _Drawn[T]) -> None:
            self._body(example.value, plan, extra_checks)

        test = self._configured(hypothesis.given(drawn)(body))
        try:
            self.turns.begin(self.share.index)
            with self.guard:
                test()
        except hypothesis.errors.Flaky as flaky:
            # The server failed once but not when the example was replayed: still a failure.
            self.found.suffix = " (flaky: did not reproduce on replay)"
            if self.found.failure is None:
                self.found.outcome = f"stopped early: {type(flaky).__name__}: {flaky}"
        except ConformanceFailure:
            pass
        except _ShrunkAlready:
            self.found.failure = None
        except _RequestBudgetSpent:
            self.found.outcome = "budget"
        except Stopped:
            self.found.suffix = " (run stopped while shrinking)"
        except PhaseAborted:
            self.found.suffix = " (run stopped while shrinking)"
            self.turns.abort()
            raise
        except hypothesis.errors.Unsatisfiable:
            self.found.outcome = "unsatisfiable"
        except unittest.SkipTest:
            pass  # a replay with nothing saved to replay
        finally:
            found = None if self.found.failure is None else failure_kind(self.found.failure[1])
            extra = max(self.found.sent - self.share.examples, 0)
            self.turns.finish(self.share.index, extra_sent=extra, found=found)

    def _body(self, example: T, plan: Callable[[T], Planned], extra: ExtraChecks[T] | None) -> None:
        if self.turns.stop.is_set():
            raise Stopped
        if self._skip_simplest:
            self._skip_simplest = False
            hypothesis.reject()
        if self.found.sent >= self._request_cap:
            # Reached while shrinking, or when many examples went unanswered.
            raise _RequestBudgetSpent
        context, progress = self.context, self.context.progress
        steps: list[tuple[PlannedRequest, Intent]] = []
        for planned, intent in plan(example):
            if context.skips(planned, phase=self.name):
                # Shaped like a request left unanswered: it would wait out another timeout.
                hypothesis.reject()
            steps.append((planned, intent))
            with self.guard.let_go():  # the clause checks are the suite's own code
                exchange = self._send(planned, intent)
                failures = context.recorder.evaluate(exchange)
            if extra is not None:
                more = extra(example, exchange)
                if more:
                    context.recorder.mark_failing()
                failures += more
            progress.advance(failures=len(failures))
            if failures:
                self.found.failure = (
                    exchange,
                    failures,
                    ReplayPlan.of_example(steps, extra, example),
                )
                if not self._shrinking:
                    self._start_shrinking(failures)
                raise failures[0]

    def _send(self, planned: PlannedRequest, intent: Intent) -> Exchange:
        try:
            exchange = self.context.send(planned, intent)
        except (UnsafeWriteError, StillThrottled):
            # A generated id outside the sandbox is never sent, and a request the target
            # kept throttling has no answer to judge: either way the example is discarded.
            hypothesis.reject()
        except Unanswered as silence:
            # Counted already, recorded (C22) once the phase is over. Shrinking it would cost
            # a full timeout per step, so the example leaves the property instead of failing it.
            self.found.sent += 1
            self.found.unanswered.append(silence)
            self.context.progress.advance(failures=1)
            hypothesis.reject()
        except Exception as exc:
            self.turns.abort()
            raise PhaseAborted(exc) from exc
        self.found.sent += 1
        return exchange

    def _start_shrinking(self, failures: list[ConformanceFailure]) -> None:
        """Wait for the earlier runs, then shrink with what is left of the phase's budget."""
        self._shrinking = True
        index = self.share.index
        with self.guard.let_go():
            self.turns.wait_for_turn(index)
        if self.turns.shrunk(failure_kind(failures)):
            raise _ShrunkAlready
        self._request_cap = self.found.sent + self.turns.budget_left(index)

    def _configured(self, test: Any) -> Any:
        # The seed goes on first: ``@seed`` drops the database from the settings it finds, so
        # the settings (with the database) must be applied after it for failures to be saved.
        test = hypothesis.seed(self.share.seed)(test)
        return hypothesis.settings(
            max_examples=self.share.examples,
            database=property_database(self.context, self.name),
            deadline=None,
            report_multiple_bugs=False,
            print_blob=False,
            suppress_health_check=list(HealthCheck),
            phases=self.phases,
            verbosity=hypothesis.Verbosity.quiet,
        )(test)


class _Drawn(Generic[T]):
    """A drawn example with a short repr.

    Hypothesis writes out the example it replays to confirm a failure; a batch of a hundred
    items makes that slow, and warns. The report shows the exchange, not this text.
    """

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<example>"
