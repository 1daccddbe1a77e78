"""The context: the C7 table as data, and which clauses may be relaxed."""

from __future__ import annotations

import pytest

from conformance.checks import DOCUMENTED_PROBLEM_CODES, RELAXABLE_CLAUSES, CheckContext
from conformance.clauses import CLAUSES


def test_documented_codes() -> None:
    assert dict(DOCUMENTED_PROBLEM_CODES) == {
        "VALIDATION_ERROR": 400,
        "BAD_REQUEST": 400,
        "INSUFFICIENT_WORKSPACE_ROLE": 403,
        "NOT_FOUND": 404,
    }


def test_inferred_clauses_and_inferred_parts_are_relaxable() -> None:
    assert {"C2", "C9", "C13", "C17", "C21b", "C21e", "C22"} == RELAXABLE_CLAUSES
    # C21d is inferred but never relaxable: a write landing elsewhere is data corruption.
    inferred = {c.id for c in CLAUSES.values() if c.kind == "inferred"}
    assert inferred - RELAXABLE_CLAUSES == {"C21d"}


def test_every_relaxable_clause_says_what_relaxing_it_changes() -> None:
    for clause_id in RELAXABLE_CLAUSES:
        assert CLAUSES[clause_id].when_relaxed, clause_id


RELAXABLE = "only C2, C9, C13, C17, C21b, C21e, C22 may be relaxed"


@pytest.mark.parametrize(
    ("relaxed", "message"),
    [
        pytest.param(
            "C5", f"cannot relax C5: the vendor documents it; {RELAXABLE}", id="documented"
        ),
        pytest.param(
            "C16", f"cannot relax C16: the spec states it; {RELAXABLE}", id="from the spec"
        ),
        pytest.param("C99", "cannot relax C99: there is no such clause", id="unknown"),
        pytest.param(
            "C21c", f"cannot relax C21c: the vendor documents it; {RELAXABLE}", id="forbidden"
        ),
        pytest.param(
            "C21d",
            f"cannot relax C21d: the contract never lets a target file relax it; {RELAXABLE}",
            id="inferred but never relaxable",
        ),
    ],
)
def test_relaxing_a_documented_clause_is_refused(relaxed: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message + "$"):
        CheckContext(relaxed=frozenset({"C2", relaxed}))


def test_codes_extend_the_documented_table_without_sharing_it() -> None:
    extra = {"UNAUTHORIZED": 401, "NOT_FOUND": 410}
    context = CheckContext.with_codes(extra, relaxed={"C17"})
    extra["LATER"] = 500
    assert dict(context.problem_codes) == {
        **DOCUMENTED_PROBLEM_CODES,
        "UNAUTHORIZED": 401,
        "NOT_FOUND": 410,
    }
    assert context.is_relaxed("C17")
    assert not context.is_relaxed("C2")
    assert dict(DOCUMENTED_PROBLEM_CODES)["NOT_FOUND"] == 404
