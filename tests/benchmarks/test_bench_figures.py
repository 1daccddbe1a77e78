"""Rates, medians and ratios: the arithmetic every published figure goes through."""

from __future__ import annotations

import pytest

from benchmarks.figures import (
    machine_info,
    median_ratio,
    median_requests,
    rate,
    ratio,
    steady_rate,
)


@pytest.mark.parametrize(
    ("count", "seconds", "expected"),
    [
        pytest.param(300, 1.5, 200.0, id="events-over-time"),
        pytest.param(0, 1.0, 0.0, id="nothing-happened"),
        pytest.param(10, 0.0, 0.0, id="no-time-passed"),
    ],
)
def test_rate(count: int, seconds: float, expected: float) -> None:
    assert rate(count, seconds) == expected


@pytest.mark.parametrize(
    ("starts", "expected"),
    [
        pytest.param([10.0, 10.5, 11.0, 12.0], 1.5, id="intervals-between-starts"),
        pytest.param([3.0], 0.0, id="one-event-has-no-interval"),
        pytest.param([], 0.0, id="no-events"),
    ],
)
def test_steady_rate(starts: list[float], expected: float) -> None:
    assert steady_rate(starts) == expected


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param([12, 3, 40, 7, 25], 12, id="odd-count"),
        pytest.param([10, 20], 15, id="even-count-averages-the-middle"),
        pytest.param([5, None, 9, None, 7], 9, id="two-misses-of-five-still-detected"),
        pytest.param([5, None, None, 9, None], None, id="three-misses-of-five"),
        pytest.param([4, None], None, id="a-miss-in-the-middle-pair"),
        pytest.param([None], None, id="never-detected"),
        pytest.param([], None, id="no-runs"),
    ],
)
def test_median_requests(counts: list[int | None], expected: float | None) -> None:
    assert median_requests(counts) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        pytest.param(60.0, 300.0, 0.2, id="fraction"),
        pytest.param(60.0, 0.0, None, id="denominator-not-measured"),
    ],
)
def test_ratio(numerator: float, denominator: float, expected: float | None) -> None:
    assert ratio(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("numerators", "denominators", "expected"),
    [
        pytest.param([50.0, 80.0, 90.0], [100.0, 400.0, 300.0], 0.3, id="median-of-ratios"),
        pytest.param([50.0, 80.0], [100.0, 0.0], 0.5, id="unmeasured-round-left-out"),
        pytest.param([50.0], [0.0], None, id="nothing-measured"),
    ],
)
def test_median_ratio(
    numerators: list[float], denominators: list[float], expected: float | None
) -> None:
    assert median_ratio(numerators, denominators) == expected


def test_machine_info_names_the_interpreter_and_the_libraries() -> None:
    info = machine_info()
    assert isinstance(info["cpu_count"], int)
    assert str(info["python"]).count(".") == 2
    packages = info["packages"]
    assert isinstance(packages, dict)
    assert set(packages) == {"schemathesis", "hypothesis", "httpx", "starlette", "uvicorn"}
    assert packages["hypothesis"]
    load = info["load_average"]
    assert isinstance(load, list)
    assert len(load) == 3
