"""The JSON document, the targets from the issue, and the console table."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.results import build_figures, evaluate_targets, render_table

REQUIRED_KEYS = {
    "raw_rps",
    "schemathesis_rps",
    "suite_rps",
    "requests_to_detection",
    "default_profile_seconds",
    "generation_eps",
    "machine",
    "ratios",
}


ROUND = {"raw_rps": 300.0, "schemathesis_rps": 30.0, "suite_rps": 150.0, "generation_eps": 400.0}


def figures(**overrides: Any) -> dict[str, Any]:
    """One round of ``ROUND``, with the named rates or keyword arguments replaced."""
    rates = {key: overrides.pop(key) for key in list(overrides) if key in ROUND}
    values: dict[str, Any] = {
        "rounds": [ROUND | rates],
        "requests_to_detection": {"no-meta": 25, "accept-foreign": 12.0, "leak": 140},
        "default_profile_seconds": 12.5,
        "machine": {"cpu_count": 2, "python": "3.11.9"},
        "details": {"quick": False},
    }
    values.update(overrides)
    return build_figures(**values)


def test_the_document_has_the_keys_the_issue_names() -> None:
    document = figures()
    assert set(document) >= REQUIRED_KEYS
    assert document["ratios"] == {"suite_over_raw": 0.5, "suite_over_schemathesis": 5.0}
    assert document["details"] == {"quick": False}
    assert list(document["requests_to_detection"]) == ["accept-foreign", "leak", "no-meta"]


def test_rates_are_medians_and_ratios_are_medians_of_each_rounds_ratio() -> None:
    rounds = [
        {"raw_rps": 100.0, "schemathesis_rps": 10.0, "suite_rps": 50.0, "generation_eps": 1.0},
        {"raw_rps": 400.0, "schemathesis_rps": 40.0, "suite_rps": 80.0, "generation_eps": 3.0},
        {"raw_rps": 300.0, "schemathesis_rps": 20.0, "suite_rps": 90.0, "generation_eps": 2.0},
    ]
    document = figures(rounds=rounds)
    assert (document["raw_rps"], document["suite_rps"], document["generation_eps"]) == (
        300.0,
        80.0,
        2.0,
    )
    # Per round: 0.5, 0.2, 0.3 of raw; 5, 2, 4.5 times schemathesis.
    assert document["ratios"] == {"suite_over_raw": 0.3, "suite_over_schemathesis": 4.5}
    assert document["rounds"] == rounds


def test_no_rounds_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"^no throughput rounds were measured$"):
        figures(rounds=[])


def test_an_unmeasured_baseline_gives_no_ratio() -> None:
    document = figures(raw_rps=0.0, schemathesis_rps=0.0)
    assert document["ratios"] == {"suite_over_raw": None, "suite_over_schemathesis": None}
    assert [t["met"] for t in document["targets"]][:2] == [False, False]


def met(document: dict[str, Any]) -> dict[str, bool]:
    return {check.name: check.met for check in evaluate_targets(document)}


@pytest.mark.parametrize(
    ("overrides", "name", "expected"),
    [
        pytest.param({}, "suite >= 40% of raw (in-process)", True, id="half-of-raw"),
        pytest.param(
            {"suite_rps": 119.0},
            "suite >= 40% of raw (in-process)",
            False,
            id="under-40-percent",
        ),
        pytest.param({}, "suite >= 3x schemathesis (in-process)", True, id="five-times"),
        pytest.param(
            {"schemathesis_rps": 60.0},
            "suite >= 3x schemathesis (in-process)",
            False,
            id="only-2.5-times",
        ),
        pytest.param({}, "every fault within 200 requests", True, id="all-within-200"),
        pytest.param(
            {"requests_to_detection": {"a": 10, "b": None}},
            "every fault within 200 requests",
            False,
            id="one-undetected",
        ),
        pytest.param(
            {"requests_to_detection": {"a": 10, "b": 201}},
            "every fault within 200 requests",
            False,
            id="one-over-200",
        ),
        pytest.param(
            {"requests_to_detection": {}},
            "every fault within 200 requests",
            False,
            id="nothing-measured",
        ),
        pytest.param({}, "most faults within 30 requests", True, id="two-of-three"),
        pytest.param(
            {"requests_to_detection": {"a": 10, "b": 31}},
            "most faults within 30 requests",
            False,
            id="half-is-not-most",
        ),
        pytest.param({}, "default profile < 60 s", True, id="quick-profile"),
        pytest.param(
            {"default_profile_seconds": 60.0}, "default profile < 60 s", False, id="exactly-60"
        ),
    ],
)
def test_targets(overrides: dict[str, Any], name: str, expected: bool) -> None:
    assert met(figures(**overrides))[name] is expected


def test_the_detection_detail_names_the_faults_that_missed() -> None:
    document = figures(requests_to_detection={"a": None, "b": 250, "c": 3})
    detail = {check.name: check.detail for check in evaluate_targets(document)}
    assert detail["every fault within 200 requests"] == "not detected: a; over 200: b"


def test_the_table_shows_figures_ratios_detection_and_targets() -> None:
    table = render_table(figures(requests_to_detection={"no-meta": 25, "leak": None}))
    assert "  suite / raw                50%" in table
    assert "  suite / schemathesis       5.00x" in table
    assert "  (medians over 1 rounds)" in table
    assert "  leak     not detected" in table
    assert "  no-meta  25" in table
    assert "  [MISSED] every fault within 200 requests: not detected: leak" in table
    assert "  [met] default profile < 60 s: 12.5 s" in table
    assert "separate process" not in table


def test_a_read_back_fault_is_judged_on_the_requests_of_its_own_phase() -> None:
    detection = {"stale-reads": {"readback_median": 21}, "no-meta": {"readback_median": None}}
    table = render_table(
        figures(
            requests_to_detection={"no-meta": 25, "stale-reads": 571},
            details={"detection": detection},
        )
    )
    assert "  stale-reads  571 (21 in read-back)" in table
    assert "  no-meta      25\n" in table
    assert "  [met] every fault within 200 requests" in table
    assert "  [met] most faults within 30 requests: 2 of 2 faults" in table


SEPARATE = {"raw_rps": 400.0, "schemathesis_rps": 50.0, "suite_rps": 100.0}


def test_separate_process_figures_have_their_own_key_and_leave_the_others_alone() -> None:
    rounds = [SEPARATE, SEPARATE | {"raw_rps": 200.0, "suite_rps": 120.0}]
    document = figures(separate_process_rounds=rounds)
    assert document["separate_process"] == {
        "raw_rps": 300.0,
        "schemathesis_rps": 50.0,
        "suite_rps": 110.0,
        # Per round: 0.25 and 0.6 of raw; 2 and 2.4 times schemathesis.
        "ratios": {"suite_over_raw": 0.425, "suite_over_schemathesis": 2.2},
        "rounds": rounds,
    }
    assert document["ratios"] == figures()["ratios"]
    assert (document["raw_rps"], document["suite_rps"]) == (300.0, 150.0)


def test_without_separate_process_rounds_there_is_no_key() -> None:
    assert "separate_process" not in figures()


def test_no_separate_process_rounds_is_an_error_when_the_setup_was_run() -> None:
    with pytest.raises(ValueError, match=r"^no throughput rounds were measured$"):
        figures(separate_process_rounds=[])


def test_both_setups_get_the_two_throughput_targets_with_their_own_label() -> None:
    document = figures(separate_process_rounds=[SEPARATE])
    throughput = [(t["name"], t["met"], t["detail"]) for t in document["targets"][:4]]
    assert throughput == [
        ("suite >= 40% of raw (in-process)", True, "suite/raw = 50%"),
        ("suite >= 3x schemathesis (in-process)", True, "suite/schemathesis = 5.00x"),
        ("suite >= 50% of raw (separate process)", False, "suite/raw = 25%"),
        ("suite >= 3x schemathesis (separate process)", False, "suite/schemathesis = 2.00x"),
    ]
    assert len(document["targets"]) == 7


def test_the_table_shows_the_separate_process_block_after_the_in_process_one() -> None:
    table = render_table(figures(separate_process_rounds=[SEPARATE]))
    in_process = table.index("throughput, reference API in this process:")
    separate = table.index("throughput, reference API in a separate process:")
    assert in_process < separate
    block = table[separate:].split("\n\n")[0].splitlines()
    assert block[1:] == [
        "  raw client loop            400.0 req/s",
        "  plain schemathesis pytest  50.0 cases/s",
        "  suite property phase       100.0 cases/s",
        "  suite / raw                25%",
        "  suite / schemathesis       2.00x",
        "  (medians over 1 rounds)",
    ]
    assert "  [MISSED] suite >= 50% of raw (separate process): suite/raw = 25%" in table


LATENCY = {
    "latency_ms": 50,
    "profile": "default",
    "seed": 1,
    "raw_round_trip_ms": 55.5,
    "raw_ratio": 1.11,
    "ratios": {"1": 1.2, "8": 0.18},
    "runs": [],
}


def test_the_latency_bound_figures_have_their_own_key() -> None:
    document = figures(latency_bound=LATENCY)
    assert document["latency_bound"] == LATENCY
    assert "latency_bound" not in figures()


@pytest.mark.parametrize(
    ("ratios", "expected"),
    [
        pytest.param(
            {"1": 1.15, "8": 0.2},
            [("met", "1.150 x"), ("met", "0.200 x")],
            id="both-on-the-limit",
        ),
        pytest.param(
            {"1": 1.2, "8": 0.53},
            [("MISSED", "1.200 x"), ("MISSED", "0.530 x")],
            id="both-over",
        ),
        pytest.param(
            {"1": None, "8": 0.1},
            [("MISSED", "not measured"), ("met", "0.100 x")],
            id="one-not-measured",
        ),
    ],
)
def test_latency_targets(ratios: dict[str, float | None], expected: list[tuple[str, str]]) -> None:
    document = figures(latency_bound=LATENCY | {"ratios": ratios})
    checks = {check.name: check for check in evaluate_targets(document)}
    names = [
        "default at 50 ms, concurrency 1 <= 1.15 x (requests x latency)",
        "default at 50 ms, concurrency 8 <= 0.2 x (requests x latency)",
    ]
    assert [
        ("met" if checks[name].met else "MISSED", checks[name].detail) for name in names
    ] == expected


def test_the_table_shows_the_latency_bound_block() -> None:
    table = render_table(figures(latency_bound=LATENCY))
    block = table[table.index("default profile, reference API 50 ms late") :].split("\n\n")[0]
    assert block.splitlines()[1:] == [
        "  raw client loop per request  55.5 ms",
        "  concurrency 1                1.200 x (requests x latency)",
        "  concurrency 8                0.180 x (requests x latency)",
    ]
