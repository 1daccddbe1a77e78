"""The figures as JSON, the issue's targets checked against them, and the console table."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.figures import median_ratio

__all__ = [
    "IN_PROCESS",
    "ROUND_KEYS",
    "SEPARATE_PROCESS",
    "SEPARATE_PROCESS_ROUND_KEYS",
    "TargetCheck",
    "build_figures",
    "evaluate_targets",
    "render_table",
]

ROUND_KEYS = ("raw_rps", "schemathesis_rps", "suite_rps", "generation_eps")
"""What one round of throughput measurements yields, each in events per second."""

SEPARATE_PROCESS_ROUND_KEYS = ("raw_rps", "schemathesis_rps", "suite_rps")
"""A round against the server in a separate process: generation does no I/O, so it is not
measured again."""

IN_PROCESS = "in-process"
SEPARATE_PROCESS = "separate process"

SUITE_OVER_RAW_TARGET = 0.40
SUITE_OVER_RAW_TARGET_SEPARATE_PROCESS = 0.50
SUITE_OVER_SCHEMATHESIS_TARGET = 3.0
LATENCY_TARGETS = {8: 0.2, 1: 1.15}
"""Concurrency -> the most the ``default`` profile may take, as a share of requests x latency."""
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
    separate_process_rounds: Sequence[Mapping[str, float]] | None = None,
    latency_bound: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON document ``--json`` writes; the issue names the top-level keys.

    Rates are medians over the rounds; ratios are medians of each round's own ratio. The
    figures measured against a server in a separate process, when there are any, go under
    ``separate_process`` with the same shape, so the top-level (in-process) keys never move.
    The ``default`` profile against a server that answers late goes under ``latency_bound``
    (see ``benchmarks.latency``).
    """
    in_process = _setup_figures(rounds, ROUND_KEYS)
    figures: dict[str, Any] = {key: in_process[key] for key in ROUND_KEYS}
    figures |= {
        "requests_to_detection": dict(sorted(requests_to_detection.items())),
        "default_profile_seconds": round(default_profile_seconds, 2),
        "machine": dict(machine),
        "ratios": in_process["ratios"],
        "rounds": in_process["rounds"],
    }
    if separate_process_rounds is not None:
        figures["separate_process"] = _setup_figures(
            separate_process_rounds, SEPARATE_PROCESS_ROUND_KEYS
        )
    if latency_bound is not None:
        figures["latency_bound"] = dict(latency_bound)
    figures["targets"] = [
        {"name": check.name, "met": check.met, "detail": check.detail}
        for check in evaluate_targets(figures)
    ]
    figures["details"] = dict(details)
    return figures


def _setup_figures(rounds: Sequence[Mapping[str, float]], keys: Sequence[str]) -> dict[str, Any]:
    """Medians, ratios and rounds of one server setup."""
    if not rounds:
        raise ValueError("no throughput rounds were measured")
    column = {key: [round_[key] for round_ in rounds] for key in keys}
    figures: dict[str, Any] = {
        key: round(statistics.median(values), 1) for key, values in column.items()
    }
    figures["ratios"] = {
        "suite_over_raw": _rounded(median_ratio(column["suite_rps"], column["raw_rps"]), 3),
        "suite_over_schemathesis": _rounded(
            median_ratio(column["suite_rps"], column["schemathesis_rps"]), 2
        ),
    }
    figures["rounds"] = [dict(round_) for round_ in rounds]
    return figures


def evaluate_targets(figures: Mapping[str, Any]) -> list[TargetCheck]:
    setups = [(IN_PROCESS, figures["ratios"], SUITE_OVER_RAW_TARGET)]
    if "separate_process" in figures:
        ratios = figures["separate_process"]["ratios"]
        setups.append((SEPARATE_PROCESS, ratios, SUITE_OVER_RAW_TARGET_SEPARATE_PROCESS))
    checks = [
        check
        for setup, ratios, over_raw in setups
        for check in _throughput_targets(setup, ratios, over_raw)
    ]
    if "latency_bound" in figures:
        checks += _latency_targets(figures["latency_bound"])
    detection = _own_phase_counts(figures)
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
    seconds = figures["default_profile_seconds"]
    return [
        *checks,
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


def _throughput_targets(
    setup: str, ratios: Mapping[str, float | None], over_raw_target: float
) -> list[TargetCheck]:
    """The two throughput targets, named after the server setup they were measured in."""
    over_raw, over_st = ratios["suite_over_raw"], ratios["suite_over_schemathesis"]
    return [
        TargetCheck(
            f"suite >= {over_raw_target:.0%} of raw ({setup})",
            over_raw is not None and over_raw >= over_raw_target,
            f"suite/raw = {_percent(over_raw)}",
        ),
        TargetCheck(
            f"suite >= 3x schemathesis ({setup})",
            over_st is not None and over_st >= SUITE_OVER_SCHEMATHESIS_TARGET,
            f"suite/schemathesis = {_times(over_st)}",
        ),
    ]


def _latency_targets(latency: Mapping[str, Any]) -> list[TargetCheck]:
    checks = []
    for concurrency, most in LATENCY_TARGETS.items():
        measured = latency["ratios"].get(str(concurrency))
        checks.append(
            TargetCheck(
                f"default at {latency['latency_ms']} ms, concurrency {concurrency} "
                f"<= {most:g} x (requests x latency)",
                measured is not None and measured <= most,
                "not measured" if measured is None else f"{measured:.3f} x",
            )
        )
    return checks


def render_table(figures: Mapping[str, Any]) -> str:
    lines = ["throughput, reference API in this process:"]
    lines += _two_columns(
        [
            *_throughput_rows(figures),
            ("default profile wall time", f"{figures['default_profile_seconds']:.1f} s"),
            ("generation (max 20 items)", f"{figures['generation_eps']:.1f} examples/s"),
        ]
    )
    lines.append(f"  (medians over {len(figures['rounds'])} rounds)")
    if "separate_process" in figures:
        separate = figures["separate_process"]
        lines += ["", "throughput, reference API in a separate process:"]
        lines += _two_columns(_throughput_rows(separate))
        lines.append(f"  (medians over {len(separate['rounds'])} rounds)")
    if "latency_bound" in figures:
        latency = figures["latency_bound"]
        lines += [
            "",
            f"default profile, reference API {latency['latency_ms']} ms late, separate process:",
        ]
        lines += _two_columns(
            [
                ("raw client loop per request", f"{latency['raw_round_trip_ms']:.1f} ms"),
                *(
                    (f"concurrency {concurrency}", f"{ratio:.3f} x (requests x latency)")
                    for concurrency, ratio in latency["ratios"].items()
                    if ratio is not None
                ),
            ]
        )
    lines += ["", "requests to detection (median over seeds):"]
    in_readback = _readback_medians(figures)
    lines += _two_columns(
        [
            (name, _detection_cell(median, in_readback.get(name)))
            for name, median in figures["requests_to_detection"].items()
        ]
    )
    lines += ["", "targets:"]
    lines += [
        f"  [{'met' if check.met else 'MISSED'}] {check.name}: {check.detail}"
        for check in evaluate_targets(figures)
    ]
    return "\n".join(lines)


def _throughput_rows(figures: Mapping[str, Any]) -> list[tuple[str, str]]:
    ratios = figures["ratios"]
    return [
        ("raw client loop", f"{figures['raw_rps']:.1f} req/s"),
        ("plain schemathesis pytest", f"{figures['schemathesis_rps']:.1f} cases/s"),
        ("suite property phase", f"{figures['suite_rps']:.1f} cases/s"),
        ("suite / raw", _percent(ratios["suite_over_raw"])),
        ("suite / schemathesis", _times(ratios["suite_over_schemathesis"])),
    ]


def _two_columns(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(label) for label, _ in rows), default=0)
    return [f"  {label.ljust(width)}  {value}" for label, value in rows]


def _readback_medians(figures: Mapping[str, Any]) -> dict[str, float | None]:
    details = figures.get("details", {}).get("detection", {})
    return {name: detection.get("readback_median") for name, detection in details.items()}


def _own_phase_counts(figures: Mapping[str, Any]) -> dict[str, float | None]:
    """Each fault's median, a read-back fault's counted from its phase's first request: no
    request before that phase could show it, so the targets judge the phase's own count."""
    in_readback = _readback_medians(figures)
    return {
        name: median if median is None or in_readback.get(name) is None else in_readback[name]
        for name, median in figures["requests_to_detection"].items()
    }


def _detection_cell(median: float | None, in_readback: float | None) -> str:
    if median is None:
        return "not detected"
    return f"{median:g}" if in_readback is None else f"{median:g} ({in_readback:g} in read-back)"


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
