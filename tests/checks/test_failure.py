"""The failure type: its text is part of the contract."""

from __future__ import annotations

import pickle

import pytest

from conformance.checks import ConformanceFailure
from conformance.checks.failure import json_path, render


def make() -> ConformanceFailure:
    return ConformanceFailure(
        clause="C17",
        check="outcome_partition_conformance",
        title="Id answered twice",
        received='"a" at $.data.accepted[0] and $.data.accepted[2]',
        expected="each requested id answered once",
        path="$.data.accepted[2]",
    )


def test_text_is_title_received_expected_at() -> None:
    assert str(make()) == (
        "[C17] Id answered twice\n"
        'Received: "a" at $.data.accepted[0] and $.data.accepted[2]\n'
        "Expected: each requested id answered once\n"
        "At: $.data.accepted[2]"
    )


def test_is_an_assertion_error_that_takes_notes() -> None:
    failure = make()
    failure.add_note("Falsifying example: ...")
    assert isinstance(failure, AssertionError)
    assert failure.__notes__ == ["Falsifying example: ..."]


def test_survives_pickling_with_its_notes() -> None:
    failure = make()
    failure.add_note("seen on run 7")
    copy = pickle.loads(pickle.dumps(failure))
    assert (str(copy), copy.clause, copy.check, copy.__notes__) == (
        str(failure),
        "C17",
        "outcome_partition_conformance",
        ["seen on run 7"],
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        pytest.param((), "$", id="root"),
        pytest.param(("data", "accepted", 3), "$.data.accepted[3]", id="members and index"),
        pytest.param(
            ("errors", "items[0].id"), '$.errors["items[0].id"]', id="key that is not a name"
        ),
        pytest.param(("errors", ""), '$.errors[""]', id="empty key"),
    ],
)
def test_json_path(parts: tuple[str | int, ...], expected: str) -> None:
    assert json_path(*parts) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("", '""', id="empty string stays visible"),
        pytest.param("400", '"400"', id="numeric string keeps its quotes"),
        pytest.param(None, "null", id="null"),
        pytest.param({"a": [1, True]}, '{"a": [1, true]}', id="compact JSON"),
        pytest.param("x" * 300, '"' + "x" * 198 + "…", id="long values are cut"),
    ],
)
def test_render(value: object, expected: str) -> None:
    assert render(value) == expected
