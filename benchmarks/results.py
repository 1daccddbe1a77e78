"""The figures as JSON, the issue's targets checked against them, and the console table."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.figures import median_ratio

__all__ = ["ROUND_KEYS", "TargetCheck", "build_figures", "evaluate_targets", "render_table"]

ROUND_KEYS = ("raw_rps", "schemathesis_rps", "suite_rps", "generation_eps")
"""What one round of throughput measurements yields, each in events per second."""

SUITE_OVER_RAW_TARGET = 0.40
SUITE_OVER_SCHEMATHESIS_TARGET = 3.0
DETECTION_LIMIT = 200
PROBE_DETECTION_LIMIT = 30
DEFAULT_PROFILE_LIMIT_SECONDS = 60.0


@dataclass(frozen=True)
class TargetCheck:
    name: str
    met: bool
    detail: str


def build_figures(
    *,
    rounds: Sequence[Mapping[str, float]],
    requests_to_detection: Mapping[str, float | None],
    default_profile_seconds: float,
    machine: Mapping[str, Any],
    details: Mapping[str, Any],
) -> dict[str, Any]:
    """The JSON document ``--json`` writes; the issue names the top-level keys.

    Rates are medians over the rounds; ratios are medians of each round's own ratio.
    """
    if not rounds:
        raise ValueError("no throughput rounds were measured")
    column = {key: [round_[key] for round_ in rounds] for key in ROUND_KEYS}
    figures: dict[str, Any] = {
        key: round(statistics.median(values), 1) for key, values in column.items()
    }
    figures |= {
        "requests_to_detection": dict(sorted(requests_to_detection.items())),
        "default_profile_seconds": round(default_profile_seconds, 2),
        "machine": dict(machine),
        "ratios": {
            "suite_over_raw": _rounded(median_ratio(column["suite_rps"], column["raw_rps"]), 3),
            "suite_over_schemathesis": _rounded(
                median_ratio(column["suite_rps"], column["schemathesis_rps"]), 2
            ),
        },
        "rounds": [dict(round_) for round_ in rounds],
    }
    figures["targets"] = [
        {"name": check.name, "met": check.met, "detail": check.detail}
        for check in evaluate_targets(figures)
    ]
    figures["details"] = dict(details)
    return figures


def evaluate_targets(figures: Mapping[str, Any]) -> list[TargetCheck]:
    ratios = figures["ratios"]
    detection: Mapping[str, float | None] = figures["requests_to_detection"]
    missed = sorted(name for name, median in detection.items() if median is None)
    slow = sorted(
        name
        for name, median in detection.items()
        if median is not None and median > DETECTION_LIMIT
    )
    quick = [
        median
        for median in detection.values()
        if median is not None and median <= PROBE_DETECTION_LIMIT
    ]
    over_raw, over_st = ratios["suite_over_raw"], ratios["suite_over_schemathesis"]
    seconds = figures["default_profile_seconds"]
    return [
        TargetCheck(
            "suite >= 40% of raw",
            over_raw is not None and over_raw >= SUITE_OVER_RAW_TARGET,
            f"suite/raw = {_percent(over_raw)}",
        ),
        TargetCheck(
            "suite >= 3x schemathesis",
            over_st is not None and over_st >= SUITE_OVER_SCHEMATHESIS_TARGET,
            f"suite/schemathesis = {_times(over_st)}",
        ),
        TargetCheck(
            f"every fault within {DETECTION_LIMIT} requests",
            bool(detection) and not missed and not slow,
            _detection_detail(missed, slow),
        ),
        TargetCheck(
            f"most faults within {PROBE_DETECTION_LIMIT} requests",
            len(quick) * 2 > len(detection),
            f"{len(quick)} of {len(detection)} faults",
        ),
        TargetCheck(
            f"default profile < {DEFAULT_PROFILE_LIMIT_SECONDS:.0f} s",
            seconds < DEFAULT_PROFILE_LIMIT_SECONDS,
            f"{seconds:.1f} s",
        ),
    ]


def render_table(figures: Mapping[str, Any]) -> str:
    ratios = figures["ratios"]
    rows = [
        ("raw client loop", f"{figures['raw_rps']:.1f} req/s"),
        ("plain schemathesis pytest", f"{figures['schemathesis_rps']:.1f} cases/s"),
        ("suite property phase", f"{figures['suite_rps']:.1f} cases/s"),
        ("suite / raw", _percent(ratios["suite_over_raw"])),
        ("suite / schemathesis", _times(ratios["suite_over_schemathesis"])),
        ("default profile wall time", f"{figures['default_profile_seconds']:.1f} s"),
        ("generation (max 20 items)", f"{figures['generation_eps']:.1f} examples/s"),
    ]
    lines = _two_columns(rows)
    lines.append(f"  (medians over {len(figures['rounds'])} rounds)")
    lines += ["", "requests to detection (median over seeds):"]
    lines += _two_columns(
        [
            (name, "not detected" if median is None else f"{median:g}")
            for name, median in figures["requests_to_detection"].items()
        ]
    )
    lines += ["", "targets:"]
    lines += [
        f"  [{'met' if check.met else 'MISSED'}] {check.name}: {check.detail}"
        for check in evaluate_targets(figures)
    ]
    return "\n".join(lines)


def _two_columns(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(label) for label, _ in rows), default=0)
    return [f"  {label.ljust(width)}  {value}" for label, value in rows]


def _detection_detail(missed: list[str], slow: list[str]) -> str:
    parts = []
    if missed:
        parts.append(f"not detected: {', '.join(missed)}")
    if slow:
        parts.append(f"over {DETECTION_LIMIT}: {', '.join(slow)}")
    return "; ".join(parts) or "all detected"


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"
