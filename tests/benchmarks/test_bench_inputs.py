"""What the throughput measurements send: the raw loop's body and the generated pytest file."""

from __future__ import annotations

import ast

import pytest

from benchmarks.cli import select_faults
from benchmarks.plain_schemathesis import EXCLUDED_CHECKS, generated_test_module
from benchmarks.raw_loop import mixed_bulk_body
from conformance.reference import FAULTS
from conformance.sandbox import Incident, Sandbox, expected_outcomes, is_reserved_id

SANDBOX = Sandbox(
    writable=tuple(Incident(f"INC-10{n}", "ws-own") for n in range(1, 5)),
    foreign=(Incident("INC-3001", "ws-other"), Incident("INC-3002", "ws-other")),
)


def test_the_mixed_body_covers_every_outcome_and_a_duplicate() -> None:

    items = mixed_bulk_body(SANDBOX)["items"]
    ids = [item["id"] for item in items]
    assert len(items) == 10
    assert len(ids) - len(set(ids)) == 1
    assert sum(map(is_reserved_id, ids)) == 3
    assert set(expected_outcomes(SANDBOX, items).values()) == {"accepted", "forbidden"}
    # A writable incident named with a foreign workspace: forbidden, though writable.
    assert expected_outcomes(SANDBOX, [items[2]]) == {"INC-103": "forbidden"}


def test_the_mixed_body_needs_a_big_enough_sandbox() -> None:

    with pytest.raises(ValueError, match="needs 4 writable and 2 foreign"):
        mixed_bulk_body(Sandbox(writable=SANDBOX.writable[:3], foreign=SANDBOX.foreign))


def test_the_generated_test_module_is_python_with_the_settings_baked_in() -> None:
    text = generated_test_module(max_examples=123, seed=7)
    tree = ast.parse(text)
    tests = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert tests == ["_write_starts", "test_bulk_update"]
    assert "@hypothesis.settings(max_examples=123, deadline=None, database=None)" in text
    assert "@hypothesis.seed(7)" in text
    assert f"for name in {sorted(EXCLUDED_CHECKS)!r}" in text


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        pytest.param(None, list(FAULTS), id="all-by-default"),
        pytest.param(" no-meta , accept-foreign,", ["no-meta", "accept-foreign"], id="a-list"),
    ],
)
def test_fault_selection(selection: str | None, expected: list[str]) -> None:
    assert select_faults(selection) == expected


def test_an_unknown_fault_stops_the_benchmark_before_it_starts() -> None:
    with pytest.raises(SystemExit, match=r"^unknown faults: no-such-fault "):
        select_faults("no-meta,no-such-fault")
