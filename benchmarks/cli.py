"""``python -m benchmarks``: every measurement in one run, a table, and ``--json PATH``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from benchmarks.detection import (
    FaultDetection,
    RunFigures,
    detect_fault,
    requests_before_readback,
    run_profile,
)
from benchmarks.figures import machine_info
from benchmarks.generation import run_generation
from benchmarks.hangs import hang_cost
from benchmarks.latency import latency_bound
from benchmarks.plain_schemathesis import EXCLUDED_CHECKS, run_plain_schemathesis
from benchmarks.raw_loop import run_raw_loop
from benchmarks.reference import reference_target
from benchmarks.results import build_figures, render_table
from benchmarks.separate_process import separate_reference
from benchmarks.suite_phase import run_suite_phase
from conformance.clauses import CLAUSES
from conformance.concurrency import DEFAULT_CONCURRENCY
from conformance.reference import FAULTS, ReferenceServer
from conformance.run.target import Target

__all__ = ["FULL", "QUICK", "Sizes", "main", "select_faults"]


@dataclass(frozen=True)
class Sizes:
    raw_requests: int
    raw_time_box: float
    schemathesis_examples: int
    suite_examples: int
    generation_examples: int
    seeds: int
    rounds: int
    """Throughput rounds; the machine's load drifts, so each figure is a median of rounds."""
    latency_rounds: int
    """Runs of the ``default`` profile per concurrency against the late-answering server."""


FULL = Sizes(2_000, 30.0, 300, 300, 500, seeds=5, rounds=3, latency_rounds=3)
QUICK = Sizes(300, 10.0, 50, 100, 100, seeds=1, rounds=1, latency_rounds=1)
LATENCY_CONCURRENCIES = (1, 8)
SETTLE_SECONDS = 0.5


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    out = out or sys.stdout
    sizes = QUICK if args.quick else FULL
    seeds = list(range(1, (args.seeds or sizes.seeds) + 1))
    faults = select_faults(args.faults)
    started = time.perf_counter()
    load_at_start = [round(load, 2) for load in os.getloadavg()]

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    if args.rounds:
        sizes = dataclasses.replace(sizes, rounds=args.rounds)
    rounds = _throughput(sizes, seed=args.seed, say=say)
    separate: tuple[list[dict[str, Any]], dict[str, Any]] | None = None
    if args.separate_process:
        separate = _separate_process_throughput(sizes, seed=args.seed, say=say)
    latency = None
    if args.latency_ms:
        latency = latency_bound(
            latency_ms=args.latency_ms,
            concurrencies=LATENCY_CONCURRENCIES,
            seed=args.seed,
            rounds=sizes.latency_rounds,
            say=say,
        )
    say(f"[default profile] clean reference API, seeds {seeds[0]}..{seeds[-1]}")
    clean = []
    for seed in seeds:
        run = run_profile(seed)
        say(f"  seed {seed}: {_describe(run)}")
        clean.append(run)
    hangs = None
    if not args.skip_hangs:
        say(f"[hangs] default profile, default limits, seed {seeds[0]}: clean, then each C22 fault")
        hangs = hang_cost(seeds[0], say=say).to_json()
    before_readback = None
    if any(_reads_back(name) for name in faults):
        say("[before read-back] default profile without read-back, for read-back faults' counts")
        before_readback = requests_before_readback(seeds)
        say(f"  requests per seed: {before_readback}")
    detections = []
    for index, name in enumerate(faults, start=1):
        say(f"[detection {index}/{len(faults)}] {name} ({FAULTS[name].clause})")
        detection = detect_fault(
            name,
            FAULTS[name].clause,
            seeds,
            before_readback=before_readback if _reads_back(name) else None,
            on_run=lambda run: say(f"  seed {run.seed}: {_describe(run)}"),
        )
        detections.append(detection)
    figures = build_figures(
        rounds=[_round_figures(round_) for round_ in rounds],
        requests_to_detection={d.fault: d.median for d in detections},
        default_profile_seconds=clean[0].seconds,
        machine={**machine_info(), "load_average_at_start": load_at_start},
        separate_process_rounds=(
            None if separate is None else [_round_figures(round_) for round_ in separate[0]]
        ),
        latency_bound=latency,
        details={
            "throughput_rounds": rounds,
            "separate_process": (
                None if separate is None else {"rounds": separate[0], "server": separate[1]}
            ),
            "default_profile": [run.to_json() for run in clean],
            "detection": {d.fault: d.to_json() for d in detections},
            "hang_cost": hangs,
            "sizes": {**asdict(sizes), "seeds": len(seeds)},
            "quick": args.quick,
            "total_seconds": round(time.perf_counter() - started, 1),
        },
    )
    say("")
    say(render_table(figures))
    _warn_about_clean_failures(clean, detections, say)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        say(f"\nfigures written to {args.json}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark the suite against the embedded reference API.",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures here")
    parser.add_argument(
        "--skip-hangs",
        action="store_true",
        help="skip the default-profile runs against each C22 fault with default limits",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and one seed, for local iteration"
    )
    parser.add_argument("--seeds", type=int, metavar="N", help="detection seeds 1..N")
    parser.add_argument("--rounds", type=int, metavar="N", help="throughput rounds")
    parser.add_argument(
        "--faults", metavar="NAMES", help="comma-separated faults to measure (default: all)"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="Hypothesis seed of the throughput measurements"
    )
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=50,
        metavar="N",
        help="latency of the server the default profile is timed against (0: skip; default 50)",
    )
    parser.add_argument(
        "--no-separate-process",
        dest="separate_process",
        action="store_false",
        help="skip the throughput rounds against the reference API in a separate process",
    )
    return parser


def select_faults(selection: str | None) -> list[str]:
    if selection is None:
        return list(FAULTS)
    names = [name.strip() for name in selection.split(",") if name.strip()]
    unknown = [name for name in names if name not in FAULTS]
    if unknown:
        raise SystemExit(f"unknown faults: {', '.join(unknown)} (known: {', '.join(FAULTS)})")
    return names


def _throughput(sizes: Sizes, *, seed: int, say: Any) -> list[dict[str, Any]]:
    """Raw loop, schemathesis, suite and generation against one shared reference server."""
    with ReferenceServer() as server:
        target = reference_target(server)
        rounds = []
        for number in range(1, sizes.rounds + 1):
            say(f"[throughput round {number}/{sizes.rounds}]")
            round_ = _throughput_round(target, server.wait_idle, sizes, seed=seed, say=say)
            say(f"  generation: bulk_update_requests(max_items=20), {sizes.generation_examples}")
            generation = run_generation(
                server.sandbox, examples=sizes.generation_examples, seed=seed
            )
            say(
                f"    {generation.examples} examples in {generation.seconds:.2f} s: "
                f"{generation.examples_per_second:.1f} examples/s"
            )
            round_["generation"] = {
                **asdict(generation),
                "examples_per_second": generation.examples_per_second,
            }
            rounds.append(round_)
    return rounds


def _separate_process_throughput(
    sizes: Sizes, *, seed: int, say: Any
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The same raw loop, schemathesis and suite, against ``serve`` in a child process."""
    say("[separate process] python -m conformance serve --port 0")
    with separate_reference() as served:
        say(f"  pid {served.pid}, listening on {served.target.base_url}")
        rounds = []
        for number in range(1, sizes.rounds + 1):
            say(f"[separate-process throughput round {number}/{sizes.rounds}]")
            rounds.append(
                _throughput_round(served.target, _settle_remote, sizes, seed=seed, say=say)
            )
    say(f"  serve stopped, exit {served.exit_code}")
    server = {"command": served.command[1:], "exit_code": served.exit_code}
    return rounds, server


def _settle_remote() -> None:
    """A pause instead of ``wait_idle``, which cannot reach into another process.

    The reference worker keeps up with the raw loop (its queue is empty within microseconds
    of the last answer in-process), so half a second is ample.
    """
    time.sleep(SETTLE_SECONDS)


def _throughput_round(
    target: Target, settle: Callable[[], object], sizes: Sizes, *, seed: int, say: Any
) -> dict[str, Any]:
    authorization = target.writer.authorization()
    say(f"  raw: {sizes.raw_requests} requests (time box {sizes.raw_time_box:.0f} s)")
    raw = run_raw_loop(
        target.base_url,
        authorization,
        target.sandbox,
        requests=sizes.raw_requests,
        time_box=sizes.raw_time_box,
    )
    say(f"    {raw.requests} requests in {raw.seconds:.2f} s: {raw.rps:.1f} req/s")
    # Accepted updates are applied in the background: let them finish before the next clock.
    settle()
    say(f"  schemathesis: pytest, max_examples={sizes.schemathesis_examples}")
    plain = run_plain_schemathesis(
        target.base_url, authorization, max_examples=sizes.schemathesis_examples, seed=seed
    )
    say(
        f"    {plain.cases} cases in {plain.seconds:.2f} s: {plain.cases_per_second:.1f} "
        f"cases/s (pytest exit {plain.exit_code}, {plain.wall_seconds:.1f} s in all)"
    )
    settle()
    say(
        f"  suite: valid bulk updates property, {sizes.suite_examples} examples, "
        f"concurrency {DEFAULT_CONCURRENCY}"
    )
    suite = run_suite_phase(target, examples=sizes.suite_examples, seed=seed)
    say(
        f"    {suite.cases} cases in {suite.seconds:.2f} s: {suite.cases_per_second:.1f} "
        f"cases/s ({suite.failures} failures recorded, {suite.mean_items:.1f} items/request)"
    )
    settle()
    return {
        "raw": {**asdict(raw), "rps": raw.rps},
        "schemathesis": {**asdict(plain), "excluded_checks": EXCLUDED_CHECKS},
        "suite": asdict(suite),
    }


def _round_figures(round_: dict[str, Any]) -> dict[str, float]:
    figures = {
        "raw_rps": round_["raw"]["rps"],
        "schemathesis_rps": round_["schemathesis"]["cases_per_second"],
        "suite_rps": round_["suite"]["cases_per_second"],
    }
    if "generation" in round_:
        figures["generation_eps"] = round_["generation"]["examples_per_second"]
    return figures


def _reads_back(fault: str) -> bool:
    return CLAUSES[FAULTS[fault].clause].number == 21


def _describe(run: RunFigures) -> str:
    first = (
        "no failure" if run.first_failure_at is None else f"first failure at {run.first_failure_at}"
    )
    if run.in_readback is not None:
        first += f" ({run.in_readback} in read-back)"
    clauses = f" [{', '.join(run.failed_clauses)}]" if run.failed_clauses else ""
    return f"exit {run.exit_code}, {run.requests} requests, {first}{clauses}, {run.seconds:.1f} s"


def _warn_about_clean_failures(
    clean: list[RunFigures], detections: list[FaultDetection], say: Any
) -> None:
    """A clean run that fails makes every detection count suspect: say so, loudly."""
    failing = [run for run in clean if run.exit_code != 0]
    if failing:
        say("")
        say(
            "WARNING: the clean reference API failed the default profile "
            + ", ".join(
                f"seed {r.seed} at request {r.first_failure_at} {list(r.failed_clauses)}"
                for r in failing
            )
            + ": a fault's count is only its own where that clause failed too"
        )
    not_own = [d.fault for d in detections if not d.own_clause_failed]
    if not_own:
        say(f"faults whose own clause did not fail in every run: {', '.join(not_own)}")
