"""The context: the C7 table as data, and which clauses may be relaxed."""

from __future__ import annotations

import pytest

from conformance.checks import DOCUMENTED_PROBLEM_CODES, RELAXABLE_CLAUSES, CheckContext


def test_documented_codes() -> None:
    assert dict(DOCUMENTED_PROBLEM_CODES) == {
        "VALIDATION_ERROR": 400,
        "BAD_REQUEST": 400,
        "INSUFFICIENT_WORKSPACE_ROLE": 403,
        "NOT_FOUND": 404,
    }


def test_only_inferred_clauses_are_relaxable() -> None:
    assert sorted(RELAXABLE_CLAUSES) == ["C13", "C17", "C2", "C9"]


NOT_INFERRED = "it is documented, not inferred; only C2, C9, C13, C17 may be relaxed"


@pytest.mark.parametrize(
    ("relaxed", "message"),
    [
        pytest.param("C5", f"cannot relax C5: {NOT_INFERRED}", id="documented"),
        pytest.param("C16", f"cannot relax C16: {NOT_INFERRED}", id="from the spec"),
        pytest.param("C99", "cannot relax C99: there is no such clause", id="unknown"),
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
