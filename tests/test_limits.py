"""The limits check their own ranges, whoever builds them: target file, CLI or RunOptions."""

from __future__ import annotations

import dataclasses

import pytest

from conformance.limits import LIMIT_RANGES, LimitError, Limits


def test_every_limit_has_a_range() -> None:
    assert set(LIMIT_RANGES) == {field.name for field in dataclasses.fields(Limits)}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"concurrency": 33},
            "concurrency: must be between 1 and 32, got 33 (use a number between 1 and 32)",
            id="concurrency-too-high",
        ),
        pytest.param(
            {"concurrency": 2.0},
            "concurrency: must be a int, got 2.0 (use a number between 1 and 32)",
            id="concurrency-not-whole",
        ),
        pytest.param(
            {"max_429_share": True},
            "max_429_share: must be a float, got True (use a number between 0.0 and 1.0)",
            id="bool-is-no-number",
        ),
        pytest.param(
            {"timeout_seconds": 0.01},
            "timeout_seconds: must be >= 0.1, got 0.01 (use a number >= 0.1)",
            id="timeout-too-short",
        ),
    ],
)
def test_a_limit_out_of_range_is_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(LimitError) as refused:
        Limits(**changes)  # type: ignore[arg-type]
    assert str(refused.value) == message


def test_replacing_a_limit_checks_it_too() -> None:
    with pytest.raises(LimitError, match=r"^concurrency: must be between 1 and 32, got 0 "):
        dataclasses.replace(Limits(), concurrency=0)


def test_whole_numbers_become_floats_where_a_limit_is_a_float() -> None:
    limits = Limits.from_table({"max_429_share": 1, "requests_per_second": 5})
    assert (limits.max_429_share, limits.requests_per_second) == (1.0, 5.0)
    assert isinstance(limits.max_429_share, float)
