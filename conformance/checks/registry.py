"""Every check by name, and the two ways to run them: iterate failures or assert."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from types import MappingProxyType

from conformance.checks._base import ClauseCheck
from conformance.checks.context import ALL_CLAUSES, CheckContext
from conformance.checks.envelope import (
    request_id_conformance,
    success_envelope_conformance,
    success_media_type_conformance,
    timestamp_conformance,
)
from conformance.checks.exchange import Exchange
from conformance.checks.failure import ConformanceFailure
from conformance.checks.outcome import (
    forbidden_entry_conformance,
    outcome_coverage_conformance,
    outcome_partition_conformance,
    sandbox_authorisation_conformance,
)
from conformance.checks.problems import (
    problem_body_conformance,
    problem_code_conformance,
    problem_media_type_conformance,
    problem_members_conformance,
    problem_status_conformance,
    problem_trace_conformance,
    validation_errors_conformance,
)
from conformance.checks.status_mapping import (
    auth_before_validation_conformance,
    authentication_conformance,
    no_server_error_conformance,
    scope_conformance,
    status_code_mapping_conformance,
)

__all__ = ["CHECKS", "assert_conforms", "checks_by_clause", "iter_failures"]

# Clause order, so that reports read like CONTRACT.md.
CHECKS: Mapping[str, ClauseCheck] = MappingProxyType(
    {
        check.name: check
        for check in (
            success_media_type_conformance,
            success_envelope_conformance,
            request_id_conformance,
            timestamp_conformance,
            problem_media_type_conformance,
            problem_body_conformance,
            problem_status_conformance,
            problem_code_conformance,
            problem_trace_conformance,
            validation_errors_conformance,
            problem_members_conformance,
            status_code_mapping_conformance,
            authentication_conformance,
            auth_before_validation_conformance,
            scope_conformance,
            no_server_error_conformance,
            outcome_coverage_conformance,
            outcome_partition_conformance,
            forbidden_entry_conformance,
            sandbox_authorisation_conformance,
        )
    }
)


def checks_by_clause() -> dict[str, tuple[str, ...]]:
    """Every clause C1..C21 -> the names of the checks asserting it.

    C4 and C18 are tolerances every check applies, and C21 has no check until the spec has a
    read-back operation; they map to an empty tuple so that reports can say so.
    """
    return {
        clause: tuple(name for name, check in CHECKS.items() if check.clause == clause)
        for clause in ALL_CLAUSES
    }


def iter_failures(
    exchange: Exchange, *, context: CheckContext, only: Collection[str] | None = None
) -> Iterator[ConformanceFailure]:
    """Run every check (or those of the clauses in ``only``) and yield each failure.

    One failing check never hides another: each runs on its own.
    """
    if only is not None:
        unknown = sorted(set(only) - set(ALL_CLAUSES))
        if unknown:
            raise ValueError(f"unknown clause ids: {', '.join(unknown)}")
    for check in CHECKS.values():
        if only is not None and check.clause not in only:
            continue
        try:
            check(exchange, context)
        except ConformanceFailure as failure:
            yield failure


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
