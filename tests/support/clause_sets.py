"""Clause selections the tests share."""

from __future__ import annotations

from conformance.clauses import CLAUSES

WITHOUT_READBACK = frozenset(clause.id for clause in CLAUSES.values() if clause.number != 21)
"""Every clause but C21's parts: a run about the other phases then skips read-back, which
waits out ``deadline_seconds`` for every update a faulty server loses."""
