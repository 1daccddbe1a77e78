"""Property-based phases: Hypothesis drives the requests, every check judges every answer.

A failing example is shrunk before it is reported, so the report shows the smallest request
that still breaks the clause. With ``--hypothesis-db`` the failing examples of earlier runs are
replayed first, so a failure found last night is tried again tonight before anything new.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import hypothesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase, InMemoryExampleDatabase

from conformance.checks import ConformanceFailure, Exchange, Intent
from conformance.run.client import PlannedRequest, StillThrottled
from conformance.run.phases import PhaseContext
from conformance.sandbox import UnsafeWriteError

__all__ = ["PhaseAborted", "run_property"]

T = TypeVar("T")
# Requests a property may spend shrinking a failure, beyond its planned examples: staging is
# rate-limited, and a small-enough example is worth more than the smallest possible one.
SHRINK_REQUESTS = 200
Planned = Sequence[tuple[PlannedRequest, Intent]]


class PhaseAborted(BaseException):
    """Carries an error that must end the run at once, past Hypothesis.

    Hypothesis shrinks any ``Exception`` raised by a test; an unreachable target or a spent
    write budget must instead stop the phase immediately, so it travels as a BaseException.
    """

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def run_property(
    context: PhaseContext,
    name: str,
    strategy: st.SearchStrategy[T],
    plan: Callable[[T], Planned],
    *,
    max_examples: int,
    extra_checks: Callable[[T, Exchange], list[ConformanceFailure]] | None = None,
) -> None:
    """Run one property; record the shrunk failure, if any, under ``phase = name``.

    ``extra_checks`` adds judgements beyond the clause checks (the fuzzing phase runs
    schemathesis's own checks through it).
    """
    if max_examples <= 0:
        return
    last_failure: list[tuple[Exchange, list[ConformanceFailure]]] = []
    progress = context.progress
    sent = 0
    progress.start(name, max_examples)

    def property_body(example: T) -> None:
        nonlocal sent
        if last_failure and sent >= max_examples + SHRINK_REQUESTS:
            raise _ShrinkBudgetSpent
        for planned, intent in plan(example):
            try:
                exchange = context.exchange(planned, intent)
            except (UnsafeWriteError, StillThrottled):
                # A generated id outside the sandbox is never sent, and a request the target
                # kept throttling has no answer to judge: either way the example is discarded.
                hypothesis.reject()
            except Exception as exc:
                raise PhaseAborted(exc) from exc
            sent += 1
            failures = context.recorder.evaluate(exchange)
            if extra_checks is not None:
                extra = extra_checks(example, exchange)
                if extra:
                    context.recorder.mark_failing()
                failures += extra
            progress.advance(failures=len(failures))
            if failures:
                last_failure[:] = [(exchange, failures)]
                raise failures[0]

    test = _configured(hypothesis.given(strategy)(property_body), context, name, max_examples)
    suffix = ""
    try:
        test()
    except hypothesis.errors.Flaky:
        # The server failed once but not when the example was replayed: still a real failure.
        suffix = " (flaky: did not reproduce on replay)"
    except (ConformanceFailure, _ShrinkBudgetSpent):
        pass
    except PhaseAborted:
        _record(context, name, last_failure, " (run stopped while shrinking)")
        raise
    except hypothesis.errors.Unsatisfiable:
        context.recorder.notes.append(
            f"{name}: too few generated requests could be sent safely; widen [sandbox]"
        )
    finally:
        progress.finish()
    _record(context, name, last_failure, suffix)


class _ShrinkBudgetSpent(BaseException):
    """Shrinking has used its share of requests: report the smallest failure found so far."""


def _record(
    context: PhaseContext,
    name: str,
    last_failure: list[tuple[Exchange, list[ConformanceFailure]]],
    suffix: str,
) -> None:
    if last_failure:
        exchange, failures = last_failure[0]
        for failure in failures:
            context.recorder.add(failure, exchange, phase=f"property: {name}{suffix}")


def _configured(test: Any, context: PhaseContext, name: str, max_examples: int) -> Any:
    # The seed goes on first: ``@seed`` drops the database from the settings it finds, so the
    # settings (with the database) must be applied after it for failures to be saved.
    test = hypothesis.seed(context.seed)(test)
    test = hypothesis.settings(
        max_examples=max_examples,
        database=_database(context.database_dir),
        deadline=None,
        report_multiple_bugs=False,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        verbosity=hypothesis.Verbosity.quiet,
    )(test)
    # One database key per property and target, so replayed failures go back to their own test.
    key = f"{name}@{context.client.target.name}".encode()
    test._hypothesis_internal_add_digest = key
    return test


def _database(directory: str | None) -> Any:
    if directory is None:
        return InMemoryExampleDatabase()
    return DirectoryBasedExampleDatabase(directory)
