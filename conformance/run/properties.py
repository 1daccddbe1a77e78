"""Property-based phases: Hypothesis drives the requests, every check judges every answer.

A failing example is shrunk before it is reported, so the report shows the smallest request
that still breaks the clause. With ``--hypothesis-db`` the failing examples of earlier runs are
replayed first, so a failure found last night is tried again tonight before anything new.

An example whose request gets no answer is a C22 finding, recorded when the property is over,
and is discarded from the property, never shrunk: each shrinking step would wait out a full
timeout. A generated request shaped like one left unanswered is not sent at all
(``conformance.run.silences``).

Each property runs as several independent Hypothesis runs side by side (``run_property``);
the requests of one example, such as the requests of one leak sequence, still go out one
after the other, in order, from the run that drew it.
"""

from __future__ import annotations

import json
import threading
import unittest
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import hypothesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase, InMemoryExampleDatabase

import strategies
from conformance.checks import BodyIntent, ConformanceFailure, Exchange, Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.client import PlannedRequest, StillThrottled
from conformance.run.concurrency import ONE_AT_A_TIME, Share, share_out
from conformance.run.findings import ReplayPlan
from conformance.run.phases import PhaseContext, Unanswered
from conformance.run.profiles import Profile
from conformance.sandbox import Sandbox, UnsafeWriteError

__all__ = ["PhaseAborted", "run_properties", "run_property"]

T = TypeVar("T")
# Requests a property may send beyond its planned examples, shrinking a failure or making up
# for unanswered ones: staging is rate-limited, a small-enough example is worth more than the
# smallest possible one, and each unanswered request costs a full timeout.
SHRINK_REQUESTS = 200
Planned = Sequence[tuple[PlannedRequest, Intent]]
UNKNOWN_CAP_BATCH = 20
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class PhaseAborted(BaseException):
    """Carries an error that must end the run at once, past Hypothesis.

    Hypothesis shrinks any ``Exception`` raised by a test; an unreachable target or a spent
    write budget must instead stop the phase immediately, so it travels as a BaseException.
    """

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def run_properties(context: PhaseContext, profile: Profile) -> None:
    """The three generated phases: valid requests, invalid ones, and leak sequences."""
    target = context.client.target
    sandbox, auth = target.sandbox, target.writer.authorization()
    # Generated batches stay within the server's cap, so a 400 for one is a finding; with
    # the cap unknown (S8) they stay small enough for any plausible cap.
    max_items = min(target.limits.max_items or UNKNOWN_CAP_BATCH, 100)

    def post(body: Any) -> PlannedRequest:
        # Bytes are a body already written out: text that is not strict JSON.
        content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        return PlannedRequest(
            "POST", BULK_UPDATE_PATH, {**JSON_HEADERS, "Authorization": auth}, content
        )

    def valid(example: strategies.BulkUpdateExample) -> Planned:
        body: BodyIntent = "valid" if example.vouched else "unknown"
        return [(post(example.body), Intent(auth="valid", body=body, expected=example.expected))]

    def invalid(labelled: tuple[Any, strategies.Violation]) -> Planned:
        body, violation = labelled
        return [(post(body), Intent(auth="valid", body="invalid", violation_path=violation.path))]

    def sequence(examples: list[strategies.BulkUpdateExample]) -> Planned:
        return [plan for example in examples for plan in valid(example)]

    requests = strategies.bulk_update_requests(sandbox, max_items=max_items)
    run_property(
        context, "valid bulk updates", requests, valid, max_examples=profile.property_examples
    )
    run_property(
        context,
        "invalid bulk updates",
        _invalid_bodies(sandbox, max_items=min(max_items, 10)),
        invalid,
        max_examples=profile.invalid_examples,
    )
    small = strategies.bulk_update_requests(sandbox, max_items=10)
    run_property(
        context,
        "no id leaks across requests",
        st.lists(small, min_size=2, max_size=4),
        sequence,
        max_examples=profile.leak_sequences,
    )


def _invalid_bodies(sandbox: Sandbox, *, max_items: int) -> st.SearchStrategy[Any]:
    """Schema violations, and one draw in five a valid body that is not strict JSON."""
    walker = strategies.invalid_bulk_update_requests(sandbox, max_items=max_items)
    lenient = strategies.not_strict_json_bulk_requests(sandbox, max_items=max_items)
    return st.integers(0, 4).flatmap(lambda n: lenient if n == 0 else walker)


def run_property(
    context: PhaseContext,
    name: str,
    strategy: st.SearchStrategy[T],
    plan: Callable[[T], Planned],
    *,
    max_examples: int,
    extra_checks: Callable[[T, Exchange], list[ConformanceFailure]] | None = None,
) -> None:
    """Run one property; record the shrunk failures, if any, under ``phase = name``.

    The examples are shared out among independent Hypothesis runs in threads (see
    ``conformance.run.concurrency``). A run that finds a failure shrinks it once no other
    run is generating and every run before it has finished (``_Phase``), so shrinking goes one
    failure at a time, in run order, and a failure an earlier run already shrank is not
    shrunk (nor reported) again. What the runs found is recorded once all have finished, in
    run order.

    ``extra_checks`` adds judgements beyond the clause checks (the fuzzing phase runs
    schemathesis's own checks through it).
    """
    if max_examples <= 0:
        return
    runs: list[_Run[T]] = []
    context.begin(name)
    context.progress.start(name, max_examples)
    try:
        if context.database_dir is not None:
            # Earlier failures first, alone: when one still fails, it is the property's result.
            replay = Share(0, max(2, -(-max_examples // 10)), context.seed)
            runs.append(_Run(_Phase(context, name, 1), replay, plan, extra_checks, REPLAY))
            runs[0].run(strategy)
            if runs[0].failure is not None:
                return
        shares = share_out(name, max_examples, seed=context.seed, concurrency=context.concurrency)
        phase = _Phase(context, name, len(shares))
        generated = [_Run(phase, share, plan, extra_checks, GENERATE) for share in shares]
        runs += generated
        context.workers.run(
            lambda i: generated[i].run(strategy), len(generated), threads=len(generated)
        )
    finally:
        context.progress.finish()
        _record(context, name, runs)


REPLAY = (Phase.reuse, Phase.shrink)
"""The failures an earlier run saved in ``--hypothesis-db``: replayed, and shrunk if need be."""
GENERATE = (Phase.explicit, Phase.generate, Phase.target, Phase.shrink)


class _Stopped(BaseException):
    """Another run of the phase aborted it: this one stops where it is."""


class _RequestBudgetSpent(BaseException):
    """The run has sent its examples plus its part of ``SHRINK_REQUESTS``: it stops here.

    While shrinking, the smallest failure found so far is reported.
    """


class _ShrunkAlready(BaseException):
    """An earlier run of the phase shrank a failure of the same kind: this one is dropped."""


FailureKind = tuple[str, str]
"""(check, title): failures of one kind are the same bug, whatever the example."""


class _Phase:
    """What the runs of one property share: the abort signal, shrinking turns, the budget.

    A run that finds a failure waits before it shrinks it: until no other run is still
    generating, and every run before it has finished. Shrinking thus goes one failure at a
    time, in run order, with nothing else of the phase in flight: an answer that depends on
    the requests around it (a cross-request leak) is shrunk on the run's own requests alone.
    """

    def __init__(self, context: PhaseContext, name: str, runs: int) -> None:
        self.context, self.name = context, name
        self.stop = threading.Event()
        self._states = ["generating"] * runs
        self._extra_sent = [0] * runs
        self._shrunk: set[FailureKind] = set()
        self._turns = threading.Condition()

    def wait_for_turn(self, index: int) -> None:
        """Return once run ``index`` may shrink (raises ``_Stopped`` when the phase stops)."""
        with self._turns:
            self._states[index] = "waiting"
            self._turns.notify_all()
            self._turns.wait_for(lambda: self.stop.is_set() or self._may_shrink(index))
            self._states[index] = "shrinking"
        if self.stop.is_set():
            raise _Stopped

    def _may_shrink(self, index: int) -> bool:
        before, after = self._states[:index], self._states[index + 1 :]
        return all(state == "finished" for state in before) and all(
            state in ("waiting", "finished") for state in after
        )

    def shrink_budget_left(self, index: int) -> int:
        """``SHRINK_REQUESTS`` less what the runs before ``index`` sent beyond their share."""
        with self._turns:
            return max(SHRINK_REQUESTS - sum(self._extra_sent[:index]), 0)

    def shrunk(self, kind: FailureKind) -> bool:
        with self._turns:
            return kind in self._shrunk

    def finish(self, run: _Run[Any]) -> None:
        with self._turns:
            index = run.share.index
            self._states[index] = "finished"
            self._extra_sent[index] = max(run.sent - run.share.examples, 0)
            if run.failure is not None:
                self._shrunk.add(_kind(run.failure[1]))
            self._turns.notify_all()

    def abort(self) -> None:
        self.stop.set()
        with self._turns:
            self._turns.notify_all()


def _kind(failures: list[ConformanceFailure]) -> FailureKind:
    return (failures[0].check, failures[0].title)


class _Run(Generic[T]):
    """One Hypothesis run of a property: its share of examples, its seed, what it found."""

    def __init__(
        self,
        phase: _Phase,
        share: Share,
        plan: Callable[[T], Planned],
        extra_checks: Callable[[T, Exchange], list[ConformanceFailure]] | None,
        phases: tuple[Phase, ...],
    ) -> None:
        self.phase, self.share, self.phases = phase, share, phases
        self._plan, self._extra_checks = plan, extra_checks
        self.sent = 0
        self.unanswered: list[Unanswered] = []
        self.failure: tuple[Exchange, list[ConformanceFailure], ReplayPlan] | None = None
        self.suffix = ""
        self.outcome = ""
        """How the run ended when it is worth a note: "unsatisfiable", "budget", or why it
        stopped early."""
        self._request_cap = share.examples + SHRINK_REQUESTS
        self._shrinking = False
        # Generating runs after the first skip Hypothesis's opening example, the simplest
        # one: it is the same in every run, and the first run sends it already.
        self._skip_simplest = share.index > 0 and Phase.generate in phases

    def run(self, strategy: st.SearchStrategy[T]) -> None:
        context, name = self.phase.context, self.phase.name
        test = hypothesis.given(_one_at_a_time(strategy))(self._body)
        test = _configured(test, context, name, self.share, self.phases)
        try:
            test()
        except hypothesis.errors.Flaky as flaky:
            # The server failed once but not when the example was replayed: still a failure.
            self.suffix = " (flaky: did not reproduce on replay)"
            if self.failure is None:
                self.outcome = f"stopped early: {type(flaky).__name__}: {flaky}"
        except ConformanceFailure:
            pass
        except _ShrunkAlready:
            self.failure = None
        except _RequestBudgetSpent:
            self.outcome = "budget"
        except _Stopped:
            self.suffix = " (run stopped while shrinking)"
        except PhaseAborted:
            self.suffix = " (run stopped while shrinking)"
            self.phase.abort()
            raise
        except hypothesis.errors.Unsatisfiable:
            self.outcome = "unsatisfiable"
        except unittest.SkipTest:
            pass  # a replay with nothing saved to replay
        finally:
            self.phase.finish(self)

    def _body(self, drawn: _Drawn[T]) -> None:
        example = drawn.value
        phase = self.phase
        if phase.stop.is_set():
            raise _Stopped
        if self._skip_simplest:
            self._skip_simplest = False
            hypothesis.reject()
        if self.sent >= self._request_cap:
            # Reached while shrinking, or when many examples went unanswered.
            raise _RequestBudgetSpent
        context, progress = phase.context, phase.context.progress
        steps: list[tuple[PlannedRequest, Intent]] = []
        for planned, intent in self._plan(example):
            if context.skips(planned, phase=phase.name):
                # Shaped like a request left unanswered: it would wait out another timeout.
                hypothesis.reject()
            steps.append((planned, intent))
            try:
                exchange = context.send(planned, intent)
            except (UnsafeWriteError, StillThrottled):
                # A generated id outside the sandbox is never sent, and a request the target
                # kept throttling has no answer to judge: either way the example is discarded.
                hypothesis.reject()
            except Unanswered as silence:
                # Counted already, recorded (C22) once the phase is over. Shrinking it would cost
                # a full timeout per step, so the example leaves the property instead of failing it.
                self.sent += 1
                self.unanswered.append(silence)
                progress.advance(failures=1)
                hypothesis.reject()
            except Exception as exc:
                phase.abort()
                raise PhaseAborted(exc) from exc
            self.sent += 1
            failures = context.recorder.evaluate(exchange)
            if self._extra_checks is not None:
                with ONE_AT_A_TIME:
                    extra = self._extra_checks(example, exchange)
                if extra:
                    context.recorder.mark_failing()
                failures += extra
            progress.advance(failures=len(failures))
            if failures:
                replay = ReplayPlan(tuple(steps), _bound(self._extra_checks, example))
                self.failure = (exchange, failures, replay)
                if not self._shrinking:
                    self._start_shrinking(failures)
                raise failures[0]

    def _start_shrinking(self, failures: list[ConformanceFailure]) -> None:
        """Wait for the earlier runs, then shrink with what is left of the phase's budget."""
        self._shrinking = True
        index = self.share.index
        self.phase.wait_for_turn(index)
        if self.phase.shrunk(_kind(failures)):
            raise _ShrunkAlready
        self._request_cap = self.sent + self.phase.shrink_budget_left(index)


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


def _one_at_a_time(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[_Drawn[T]]:
    """``strategy``, drawn under ``ONE_AT_A_TIME``."""

    @st.composite
    def drawn_alone(draw: st.DrawFn) -> _Drawn[T]:
        with ONE_AT_A_TIME:
            return _Drawn(draw(strategy))

    return drawn_alone()


def _bound(
    extra_checks: Callable[[T, Exchange], list[ConformanceFailure]] | None, example: T
) -> Callable[[Exchange], list[ConformanceFailure]] | None:
    """The extra checks with their example, to judge a replay of it."""
    if extra_checks is None:
        return None
    return lambda exchange: extra_checks(example, exchange)


def _record(context: PhaseContext, name: str, runs: Sequence[_Run[Any]]) -> None:
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


def _configured(
    test: Any, context: PhaseContext, name: str, share: Share, phases: Sequence[Phase]
) -> Any:
    # The seed goes on first: ``@seed`` drops the database from the settings it finds, so the
    # settings (with the database) must be applied after it for failures to be saved.
    test = hypothesis.seed(share.seed)(test)
    test = hypothesis.settings(
        max_examples=share.examples,
        database=_database(context.database_dir),
        deadline=None,
        report_multiple_bugs=False,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
        phases=phases,
        verbosity=hypothesis.Verbosity.quiet,
    )(test)
    # One database key per property and target, so replayed failures go back to their own
    # property; every run of the property saves the failures it finds under it.
    key = f"{name}@{context.client.target.name}".encode()
    test._hypothesis_internal_add_digest = key
    return test


def _database(directory: str | None) -> Any:
    if directory is None:
        return InMemoryExampleDatabase()
    return DirectoryBasedExampleDatabase(directory)
