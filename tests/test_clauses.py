"""The clause table: sub-clauses (C21a to C21e), their parent, and how ids are written."""

from __future__ import annotations

import argparse

import pytest

from conformance.clauses import CLAUSES, canonical_clause_id, sub_clause_ids
from conformance.cli.run_command import _clause_list


def test_c21_has_five_parts_right_after_it() -> None:
    ids = list(CLAUSES)
    assert ids[ids.index("C21") : ids.index("C22")] == [
        "C21",
        "C21a",
        "C21b",
        "C21c",
        "C21d",
        "C21e",
    ]
    assert sub_clause_ids("C21") == ("C21a", "C21b", "C21c", "C21d", "C21e")
    assert sub_clause_ids("C20") == ()


@pytest.mark.parametrize(
    ("clause", "parent", "number", "relaxable"),
    [
        pytest.param("C21", None, 21, False, id="C21"),
        pytest.param("C21a", "C21", 21, False, id="C21a-documented"),
        pytest.param("C21b", "C21", 21, True, id="C21b-inferred"),
        pytest.param("C21c", "C21", 21, False, id="C21c-security"),
        pytest.param("C21d", "C21", 21, False, id="C21d-never-relaxable"),
        pytest.param("C21e", "C21", 21, True, id="C21e-inferred"),
        pytest.param("C3", None, 3, False, id="C3"),
    ],
)
def test_parts(clause: str, parent: str | None, number: int, relaxable: bool) -> None:
    assert CLAUSES[clause].parent == parent
    assert CLAUSES[clause].number == number
    assert CLAUSES[clause].relaxable is relaxable


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [("c21A", "C21a"), (" C21e ", "C21e"), ("c17", "C17"), ("x", "X")],
)
def test_ids_are_written_as_in_the_table_whatever_the_case(typed: str, canonical: str) -> None:
    assert canonical_clause_id(typed) == canonical


def test_only_accepts_sub_clauses_in_any_case() -> None:
    assert _clause_list("c21a,C21") == frozenset({"C21a", "C21"})
    with pytest.raises(argparse.ArgumentTypeError, match="unknown clause id"):
        _clause_list("C21f")
