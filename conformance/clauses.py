"""The clauses of CONTRACT.md the suite reports on, by id: title, source kind, and whether a
target file may relax them (only *inferred* clauses may be).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CLAUSES", "Clause", "clause_ids"]

Kind = Literal["documented", "inferred", "spec", "sandbox"]


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    kind: Kind

    @property
    def relaxable(self) -> bool:
        return self.kind == "inferred"


CLAUSES: dict[str, Clause] = {
    clause.id: clause
    for clause in (
        Clause("C1", "2xx success envelope (data + meta, application/json)", "documented"),
        Clause("C2", "meta.requestId is a non-empty string", "inferred"),
        Clause("C3", "timestamps are UTC RFC 3339", "documented"),
        Clause("C4", "extra properties are tolerated", "spec"),
        Clause("C5", "errors are application/problem+json", "documented"),
        Clause("C6", "problem status equals the HTTP status", "documented"),
        Clause("C7", "problem code is present and matches its status", "documented"),
        Clause("C8", "problems carry requestId and timestamp", "documented"),
        Clause("C9", "errors maps field paths to message lists", "documented"),
        Clause("C10", "type, title, detail, instance are strings", "spec"),
        Clause("C11", "a schema-violating body gets 400", "spec"),
        Clause("C12", "missing or wrong credentials get 401", "spec"),
        Clause("C13", "authentication comes before validation", "inferred"),
        Clause("C14", "a credential without the write scope gets 403", "spec"),
        Clause("C15", "no request gets a 5xx", "spec"),
        Clause("C16", "every requested id is answered", "spec"),
        Clause("C17", "accepted and forbidden partition the requested ids", "inferred"),
        Clause("C18", "a null list means an empty one", "spec"),
        Clause("C19", "forbidden entries carry incidentId, reason and workspace", "documented"),
        Clause("C20", "sandbox authorisation: writable accepted, foreign forbidden", "sandbox"),
        Clause("C21", "accepted updates are applied (read-back)", "documented"),
    )
}


def clause_ids() -> tuple[str, ...]:
    return tuple(CLAUSES)
