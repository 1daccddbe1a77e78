"""The clauses of the contract (docs/contract.md), by id: the one table the suite reads.

The check context (which clauses may be relaxed), the reports (titles, clause order) and the
CLI's ``--only`` validation all read ``CLAUSES``; nothing else lists clause ids.

``kind`` says where a clause comes from: the vendored spec, the vendor's documentation, or a
reading the documentation supports without stating it (inferred). A demand the contract only
implies must be relaxable, so every inferred clause is, and so is a documented clause with an
inferred part; ``when_relaxed`` says what changes when a target file relaxes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CLAUSES", "Clause", "ClauseKind", "relaxable_clause_ids"]

ClauseKind = Literal["spec", "documented", "inferred"]


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    kind: ClauseKind
    source: str
    when_relaxed: str | None = None
    """What relaxing the clause changes, shown in reports; ``None``: it cannot be relaxed."""

    @property
    def relaxable(self) -> bool:
        return self.when_relaxed is not None

    @property
    def number(self) -> int:
        return int(self.id[1:])


_MODELS = "docs: api-reference/models"
_ERRORS = "docs: api-reference/errors"
_OPERATION = "spec: the operation's descriptions"
_OUTCOME_DOCS = "docs: api-reference/cross-workspace-incidents"

CLAUSES: dict[str, Clause] = {
    clause.id: clause
    for clause in (
        Clause("C1", "2xx success envelope (data + meta, application/json)", "documented", _MODELS),
        Clause(
            "C2",
            "meta.requestId is a non-empty string",
            "inferred",
            _MODELS,
            when_relaxed="an empty requestId is accepted (C1 and C8 still want a string)",
        ),
        Clause("C3", "timestamps are UTC RFC 3339", "documented", _ERRORS),
        Clause("C4", "extra properties are tolerated", "spec", "spec: no additionalProperties"),
        Clause("C5", "errors are application/problem+json", "documented", _ERRORS),
        Clause("C6", "problem status equals the HTTP status", "documented", _ERRORS),
        Clause("C7", "problem code is present and matches its status", "documented", _ERRORS),
        Clause("C8", "problems carry requestId and timestamp", "documented", _ERRORS),
        Clause(
            "C9",
            "errors maps field paths to message lists",
            "documented",
            _ERRORS,
            when_relaxed="only the shape of errors is checked",
        ),
        Clause(
            "C10", "type, title, detail, instance are strings", "spec", "spec: ApiProblemDetails"
        ),
        Clause("C11", "a schema-violating body gets 400", "spec", _OPERATION),
        Clause("C12", "missing or wrong credentials get 401", "spec", _OPERATION),
        Clause(
            "C13",
            "authentication comes before validation",
            "inferred",
            _OPERATION,
            when_relaxed="an unauthenticated request with an invalid body may get 400",
        ),
        Clause("C14", "a credential without the write scope gets 403", "spec", _OPERATION),
        Clause("C15", "no request gets a 5xx", "spec", _OPERATION),
        Clause("C16", "every requested id is answered", "spec", _OPERATION),
        Clause(
            "C17",
            "accepted and forbidden partition the requested ids",
            "inferred",
            _OUTCOME_DOCS,
            when_relaxed="only answered ids nobody requested (leaks) are checked",
        ),
        Clause("C18", "a null list means an empty one", "spec", "spec: nullable outcome lists"),
        Clause(
            "C19",
            "forbidden entries carry incidentId, reason and workspace",
            "documented",
            _OUTCOME_DOCS,
        ),
        Clause(
            "C20",
            "sandbox authorisation: writable accepted, foreign forbidden",
            "documented",
            f"{_OUTCOME_DOCS}, with the target file's [sandbox]",
        ),
        Clause("C21", "accepted updates are applied (read-back)", "documented", _OUTCOME_DOCS),
        Clause(
            "C22",
            "every request gets an answer within the timeout",
            "inferred",
            "contract: liveness",
            when_relaxed="an unanswered request is a note, not a failure",
        ),
    )
}


def relaxable_clause_ids() -> tuple[str, ...]:
    """The clauses a target file may relax, in clause order."""
    return tuple(clause.id for clause in CLAUSES.values() if clause.relaxable)
