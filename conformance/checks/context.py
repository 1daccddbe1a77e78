"""Run-wide settings the checks read: the C7 code table and the inferred clauses relaxed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from conformance.checks.problem_codes import DOCUMENTED_PROBLEM_CODES
from conformance.clauses import CLAUSES, relaxable_clause_ids

__all__ = ["ALL_CLAUSES", "RELAXABLE_CLAUSES", "CheckContext"]

ALL_CLAUSES: tuple[str, ...] = tuple(CLAUSES)

# Read from the clause table: inferred clauses, and documented ones with an inferred part
# (C9); ``Clause.when_relaxed`` says what relaxing each one changes.
RELAXABLE_CLAUSES: frozenset[str] = frozenset(relaxable_clause_ids())


@dataclass(frozen=True)
class CheckContext:
    """Settings shared by every check in a run.

    ``problem_codes`` maps a problem ``code`` to the HTTP status it must come with (C7);
    use ``CheckContext.with_codes(...)`` to add codes to the documented ones.
    ``relaxed`` holds ids of inferred clauses the user chose not to enforce.
    """

    problem_codes: Mapping[str, int] = field(default_factory=lambda: DOCUMENTED_PROBLEM_CODES)
    relaxed: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for clause in sorted(self.relaxed):
            if clause not in ALL_CLAUSES:
                raise ValueError(f"cannot relax {clause}: there is no such clause")
            if clause not in RELAXABLE_CLAUSES:
                raise ValueError(
                    f"cannot relax {clause}: {_STATED_BY[CLAUSES[clause].kind]} it; "
                    f"only {_RELAXABLE_TEXT} may be relaxed"
                )
        # A caller's dict must not change under a running suite.
        object.__setattr__(self, "problem_codes", MappingProxyType(dict(self.problem_codes)))
        object.__setattr__(self, "relaxed", frozenset(self.relaxed))

    @classmethod
    def with_codes(cls, extra: Mapping[str, int], *, relaxed: Iterable[str] = ()) -> CheckContext:
        """The documented codes plus ``extra`` (which wins on a clash)."""
        return cls(problem_codes={**DOCUMENTED_PROBLEM_CODES, **extra}, relaxed=frozenset(relaxed))

    def is_relaxed(self, clause: str) -> bool:
        return clause in self.relaxed


_STATED_BY = {
    "spec": "the spec states",
    "documented": "the vendor documents",
    # Only C21d: inferred, yet data corruption is never a matter of taste.
    "inferred": "the contract never lets a target file relax",
}
_RELAXABLE_TEXT = ", ".join(relaxable_clause_ids())
