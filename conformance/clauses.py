"""The clauses of the contract (docs/contract.md), by id: the one table the suite reads.

The check context (which clauses may be relaxed), the reports (titles, clause order) and the
CLI's ``--only`` validation all read ``CLAUSES``; nothing else lists clause ids.

``kind`` says where a clause comes from: the vendored spec, the vendor's documentation, or a
reading the documentation supports without stating it (inferred). A demand the contract only
implies must be relaxable, so every inferred clause is, and so is a documented clause with an
inferred part; ``when_relaxed`` says what changes when a target file relaxes it. The one
exception is C21d: a write that lands on an incident nobody named is data corruption, which the
contract never lets a target file wave through.

A clause with parts has sub-clauses (C21a to C21e): each is judged and reported on its own,
and the whole clause's row counts what its parts judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CLAUSES",
    "Clause",
    "ClauseKind",
    "canonical_clause_id",
    "relaxable_clause_ids",
    "sub_clause_ids",
]

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
        """The clause's number; a sub-clause (C21a) shares its parent's (C21)."""
        return int(_ID.fullmatch(self.id).group("number"))  # type: ignore[union-attr]

    @property
    def parent(self) -> str | None:
        """The clause a sub-clause belongs to (C21a -> C21); ``None`` for a whole clause."""
        match = _ID.fullmatch(self.id)
        return f"C{match.group('number')}" if match and match.group("part") else None


_ID = re.compile(r"C(?P<number>\d+)(?P<part>[a-z]?)")


_MODELS = "docs: api-reference/models"
_ERRORS = "docs: api-reference/errors"
_OPERATION = "spec: the operation's descriptions"
_OUTCOME_DOCS = "docs: api-reference/cross-workspace-incidents"
_READ_BACK = "docs: accepted ids are scheduled for async processing; read back"

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
        Clause(
            "C21",
            "what the answer says is what happens (read-back)",
            "documented",
            f"{_OUTCOME_DOCS}, with the target file's [readback]",
        ),
        Clause("C21a", "accepted means applied", "documented", _READ_BACK),
        Clause(
            "C21b",
            "leaving a field out changes nothing",
            "inferred",
            _READ_BACK,
            when_relaxed="a field the item left out may change",
        ),
        Clause("C21c", "forbidden means untouched", "documented", _READ_BACK),
        Clause("C21d", "only what was named changes", "inferred", _READ_BACK),
        Clause(
            "C21e",
            "the later write wins",
            "inferred",
            _READ_BACK,
            when_relaxed="of two writes to one field, either value may remain",
        ),
        Clause(
            "C22",
            "every request gets an answer within the timeout",
            "inferred",
            "contract: liveness",
            when_relaxed="an unanswered request is a note, not a failure",
        ),
    )
}


def canonical_clause_id(text: str) -> str:
    """How a clause id is written in the table, whatever case a user typed: c21A -> C21a."""
    match = re.fullmatch(r"[cC](\d+)([a-zA-Z]?)", text.strip())
    if match is None:
        return text.strip().upper()
    return f"C{match.group(1)}{match.group(2).lower()}"


def sub_clause_ids(clause_id: str) -> tuple[str, ...]:
    """The sub-clauses of ``clause_id`` (C21 -> C21a..C21e), in clause order."""
    return tuple(clause.id for clause in CLAUSES.values() if clause.parent == clause_id)


def relaxable_clause_ids() -> tuple[str, ...]:
    """The clauses a target file may relax, in clause order."""
    return tuple(clause.id for clause in CLAUSES.values() if clause.relaxable)
