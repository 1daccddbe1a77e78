"""The latency-bound figures: a run's time against requests x latency."""

from __future__ import annotations

import pytest

from benchmarks.latency import LatencyRun


@pytest.mark.parametrize(
    ("requests", "seconds", "floor", "ratio"),
    [
        pytest.param(500, 30.0, 25.0, 1.2, id="slower-than-one-by-one"),
        pytest.param(500, 5.0, 25.0, 0.2, id="five-times-quicker"),
        pytest.param(0, 1.0, 0.0, None, id="nothing-sent"),
    ],
)
def test_the_ratio_is_wall_time_over_requests_times_latency(
    requests: int, seconds: float, floor: float, ratio: float | None
) -> None:
    run = LatencyRun(
        concurrency=8, seed=1, exit_code=0, requests=requests, seconds=seconds, latency_ms=50
    )
    assert run.floor_seconds == pytest.approx(floor)
    assert run.ratio == (None if ratio is None else pytest.approx(ratio))
    assert run.to_json()["floor_seconds"] == round(floor, 2)
