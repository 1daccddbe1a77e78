"""Run-wide settings the checks read: the C7 code table and the inferred clauses relaxed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from conformance.checks.problem_codes import DOCUMENTED_PROBLEM_CODES

__all__ = ["ALL_CLAUSES", "RELAXABLE_CLAUSES", "CheckContext"]

ALL_CLAUSES: tuple[str, ...] = tuple(f"C{number}" for number in range(1, 22))

# Only clauses CONTRACT.md marks as inferred may be relaxed. For C9 and C17 only the inferred
# part gives way: C9 keeps checking the shape of ``errors`` and drops "VALIDATION_ERROR
# carries a non-empty errors map"; C17 drops "no id twice" and "no id in both lists" but
# keeps reporting ids that were never requested, because those are a cross-request leak.
RELAXABLE_CLAUSES: frozenset[str] = frozenset({"C2", "C9", "C13", "C17"})


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
                    f"cannot relax {clause}: it is documented, not inferred; "
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


def _clause_number(clause: str) -> int:
    return int(clause[1:])


_RELAXABLE_TEXT = ", ".join(sorted(RELAXABLE_CLAUSES, key=_clause_number))
