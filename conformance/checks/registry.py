"""Every check by name, and the ways to run them: judge, iterate failures, or assert."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from conformance.checks import envelope, outcome, problems, status_mapping
from conformance.checks._base import ClauseCheck
from conformance.checks.context import ALL_CLAUSES, CheckContext
from conformance.checks.exchange import Exchange
from conformance.checks.failure import ConformanceFailure
from conformance.clauses import CLAUSES

__all__ = [
    "CHECKS",
    "EVERY_CHECK_TOLERATES",
    "Judgement",
    "assert_conforms",
    "checks_by_clause",
    "iter_failures",
    "judge",
]

# The modules holding checks. A check is registered by being defined in one of them with
# ``@clause_check``; no list of check names is kept anywhere else.
_CHECK_MODULES = (envelope, problems, status_mapping, outcome)


def _collect() -> dict[str, ClauseCheck]:
    found = [
        value
        for module in _CHECK_MODULES
        for value in vars(module).values()
        if isinstance(value, ClauseCheck)
    ]
    # Clause order, so that reports read like the contract; a stable sort keeps the order of
    # definition among the checks of one clause.
    found.sort(key=lambda check: CLAUSES[check.clause].number)
    return {check.name: check for check in found}


CHECKS: Mapping[str, ClauseCheck] = MappingProxyType(_collect())

# C4: extra properties are tolerated by every check, so every judged exchange exercises it.
EVERY_CHECK_TOLERATES = ("C4",)


def checks_by_clause() -> dict[str, tuple[str, ...]]:
    """Every clause of the table -> the names of the checks asserting it.

    C4 and C18 are tolerances every check applies; C21 is judged over time, by reading the
    incidents back (``conformance.readback``), not on one exchange; and C22 (liveness) is
    about requests that got no answer, so no check of an exchange can judge it. They map to
    an empty tuple so that reports can say so.
    """
    return {
        clause: tuple(name for name, check in CHECKS.items() if check.clause == clause)
        for clause in ALL_CLAUSES
    }


@dataclass(frozen=True)
class Judgement:
    """What the checks made of one exchange."""

    failures: tuple[ConformanceFailure, ...]
    clauses: frozenset[str]
    """The clauses some check judged, whether it passed or failed, with the tolerances those
    checks applied (C4 always, C18 where an outcome was read). A clause missing here was not
    exercised by this exchange, which a report must not count as passed."""


def judge(
    exchange: Exchange, *, context: CheckContext, only: Collection[str] | None = None
) -> Judgement:
    """Run every check (or those of the clauses in ``only``): the failures, and what was judged."""
    failures: list[ConformanceFailure] = []
    clauses: set[str] = set()
    for check, failure in _verdicts(exchange, context, only):
        clauses.update((check.clause, *check.tolerates, *EVERY_CHECK_TOLERATES))
        if failure is not None:
            failures.append(failure)
    return Judgement(tuple(failures), frozenset(clauses))


def iter_failures(
    exchange: Exchange, *, context: CheckContext, only: Collection[str] | None = None
) -> Iterator[ConformanceFailure]:
    """Run every check (or those of the clauses in ``only``) and yield each failure.

    One failing check never hides another: each runs on its own.
    """
    for _check, failure in _verdicts(exchange, context, only):
        if failure is not None:
            yield failure


def _verdicts(
    exchange: Exchange, context: CheckContext, only: Collection[str] | None
) -> Iterator[tuple[ClauseCheck, ConformanceFailure | None]]:
    """Each check that judged ``exchange``, with its failure or None; checks that did not
    apply are left out."""
    if only is not None:
        unknown = sorted(set(only) - set(ALL_CLAUSES))
        if unknown:
            raise ValueError(f"unknown clause ids: {', '.join(unknown)}")
    for check in CHECKS.values():
        if only is not None and check.clause not in only:
            continue
        try:
            judged = check(exchange, context)
        except ConformanceFailure as failure:
            yield check, failure
        else:
            if judged is not None:
                yield check, None


def assert_conforms(
    exchange: Exchange, *, context: CheckContext, only: Collection[str] | None = None
) -> None:
    """Raise the first failure; the others are attached to it as notes."""
    failures = list(iter_failures(exchange, context=context, only=only))
    if not failures:
        return
    first, *others = failures
    for other in others:
        first.add_note(f"Also failed:\n{other}")
    raise first
