"""Property-based phases: Hypothesis drives the requests, every check judges every answer.

A failing example is shrunk before it is reported, so the report shows the smallest request
that still breaks the clause. With ``--hypothesis-db`` the failing examples of earlier runs are
replayed first, so a failure found last night is tried again tonight before anything new.

An example whose request gets no answer is recorded at once as a C22 finding and discarded
from the property, never shrunk: each shrinking step would wait out a full timeout.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import hypothesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase, InMemoryExampleDatabase

import strategies
from conformance.checks import BodyIntent, ConformanceFailure, Exchange, Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.client import PlannedRequest, StillThrottled
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
    """Run one property; record the shrunk failure, if any, under ``phase = name``.

    ``extra_checks`` adds judgements beyond the clause checks (the fuzzing phase runs
    schemathesis's own checks through it).
    """
    if max_examples <= 0:
        return
    last_failure: list[tuple[Exchange, list[ConformanceFailure], ReplayPlan]] = []
    progress = context.progress
    phase = f"property: {name}"
    sent = unanswered = 0
    progress.start(name, max_examples)

    def property_body(example: T) -> None:
        nonlocal sent, unanswered
        if sent >= max_examples + SHRINK_REQUESTS:
            # Reached while shrinking, or when many examples went unanswered.
            raise _RequestBudgetSpent
        steps: list[tuple[PlannedRequest, Intent]] = []
        for planned, intent in plan(example):
            steps.append((planned, intent))
            try:
                exchange = context.exchange(planned, intent, phase=phase)
            except (UnsafeWriteError, StillThrottled):
                # A generated id outside the sandbox is never sent, and a request the target
                # kept throttling has no answer to judge: either way the example is discarded.
                hypothesis.reject()
            except Unanswered:
                # Already recorded (C22). Shrinking it would cost a full timeout per step,
                # so the example leaves the property instead of failing it.
                sent += 1
                unanswered += 1
                progress.advance(failures=1)
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
                replay = ReplayPlan(tuple(steps), _bound(extra_checks, example))
                last_failure[:] = [(exchange, failures, replay)]
                raise failures[0]

    test = _configured(hypothesis.given(strategy)(property_body), context, name, max_examples)
    suffix = ""
    try:
        test()
    except hypothesis.errors.Flaky:
        # The server failed once but not when the example was replayed: still a real failure.
        suffix = " (flaky: did not reproduce on replay)"
    except ConformanceFailure:
        pass
    except _RequestBudgetSpent:
        if not last_failure:
            context.recorder.notes.append(
                f"{name}: stopped after {sent} requests, {unanswered} of them unanswered"
            )
    except PhaseAborted:
        _record(context, name, last_failure, " (run stopped while shrinking)")
        raise
    except hypothesis.errors.Unsatisfiable:
        context.recorder.notes.append(
            f"{name}: too few generated requests got an answer ({unanswered} unanswered)"
            if unanswered
            else f"{name}: too few generated requests could be sent safely; widen [sandbox]"
        )
    finally:
        progress.finish()
    _record(context, name, last_failure, suffix)


class _RequestBudgetSpent(BaseException):
    """The property has sent its examples plus ``SHRINK_REQUESTS``: it stops here.

    While shrinking, the smallest failure found so far is reported.
    """


def _bound(
    extra_checks: Callable[[T, Exchange], list[ConformanceFailure]] | None, example: T
) -> Callable[[Exchange], list[ConformanceFailure]] | None:
    """The extra checks with their example, to judge a replay of it."""
    if extra_checks is None:
        return None
    return lambda exchange: extra_checks(example, exchange)


def _record(
    context: PhaseContext,
    name: str,
    last_failure: list[tuple[Exchange, list[ConformanceFailure], ReplayPlan]],
    suffix: str,
) -> None:
    if last_failure:
        exchange, failures, replay = last_failure[0]
        for failure in failures:
            context.recorder.add(
                failure,
                exchange,
                phase=f"property: {name}{suffix}",
                kind=f"property: {name}",
                replay=replay,
            )


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
