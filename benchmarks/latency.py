"""Time to verdict on a distant target: the ``default`` profile against a server that answers late.

The reference API runs in a separate process with ``serve --latency-ms N``, standing in for a
staging API on the other side of a network: the suite's own time per request is then what
the run adds to ``requests × latency``. The ``default`` profile runs once per concurrency,
each time as ``cf-conformance run --target FILE --profile default --concurrency C`` would,
in this process (so its imports are already done, as in every run after the first).

Read-back (C21) is left out: it waits for the server to apply its updates, a delay of the
server's own that neither latency nor concurrency changes, and ``requests × latency`` would
not be its floor.

The raw client loop is timed against the same server, as a check on the stand-in: every
answer leaves ``latency_ms`` after its request came in, the server's own work included, so a
client with nothing to do of its own takes just over ``requests × latency``.
"""

from __future__ import annotations

import io
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.detection import WITHOUT_READBACK
from benchmarks.raw_loop import mixed_bulk_body
from benchmarks.separate_process import ServedReference, separate_reference
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.runner import RunOptions, execute

__all__ = ["LatencyRun", "latency_bound", "raw_round_trip_ms"]

PROFILE = "default"
RAW_REQUESTS = 40


@dataclass(frozen=True)
class LatencyRun:
    concurrency: int
    seed: int
    exit_code: int
    requests: int
    seconds: float
    latency_ms: int

    @property
    def floor_seconds(self) -> float:
        """``requests × latency``: the wait alone, had every request been sent one by one."""
        return self.requests * self.latency_ms / 1000

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.floor_seconds if self.floor_seconds else None

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "seconds": round(self.seconds, 2),
            "floor_seconds": round(self.floor_seconds, 2),
            "ratio": None if self.ratio is None else round(self.ratio, 3),
        }


def latency_bound(
    *,
    latency_ms: int,
    concurrencies: Sequence[int],
    seed: int,
    rounds: int,
    say: Callable[[str], None] = lambda text: None,
) -> dict[str, Any]:
    """Every concurrency ``rounds`` times against one served reference API; the figures."""
    say(f"[latency-bound] serve --latency-ms {latency_ms}, default profile, seed {seed}")
    runs: list[LatencyRun] = []
    with separate_reference(latency_ms=latency_ms) as served:
        round_trip = raw_round_trip_ms(served)
        say(f"  raw client loop: {round_trip:.1f} ms per request ({latency_ms} ms of it latency)")
        for number in range(1, rounds + 1):
            for concurrency in concurrencies:
                run = run_default_profile(served, concurrency, seed=seed, latency_ms=latency_ms)
                say(
                    f"  round {number}, concurrency {concurrency}: exit {run.exit_code}, "
                    f"{run.requests} requests in {run.seconds:.1f} s = "
                    f"{run.ratio or 0:.3f} x (requests x {latency_ms} ms)"
                )
                runs.append(run)
    ratios = {
        str(concurrency): _median([r.ratio for r in runs if r.concurrency == concurrency])
        for concurrency in concurrencies
    }
    return {
        "latency_ms": latency_ms,
        "profile": PROFILE,
        "seed": seed,
        "raw_round_trip_ms": round(round_trip, 2),
        "raw_ratio": round(round_trip / latency_ms, 3),
        "ratios": ratios,
        "runs": [run.to_json() for run in runs],
    }


def run_default_profile(
    served: ServedReference, concurrency: int, *, seed: int, latency_ms: int
) -> LatencyRun:
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as folder:
        report_path = Path(folder) / "report.json"
        options = RunOptions(
            target=served.target_file,
            profile=PROFILE,
            seed=seed,
            concurrency=concurrency,
            report_json=report_path,
            only=WITHOUT_READBACK,
        )
        started = time.perf_counter()
        exit_code = execute(options, out=io.StringIO(), environ=served.environ)
        seconds = time.perf_counter() - started
        report = json.loads(report_path.read_text())
    return LatencyRun(
        concurrency=concurrency,
        seed=seed,
        exit_code=exit_code,
        requests=report["stats"]["requests"],
        seconds=seconds,
        latency_ms=latency_ms,
    )


def raw_round_trip_ms(served: ServedReference, *, requests: int = RAW_REQUESTS) -> float:
    """The median time one mixed bulk request takes, sent one after the other."""
    target = served.target
    content = json.dumps(mixed_bulk_body(target.sandbox)).encode("utf-8")
    headers = {"Authorization": target.writer.authorization(), "Content-Type": "application/json"}
    times = []
    with httpx.Client(base_url=target.base_url, timeout=10.0) as client:
        client.post(BULK_UPDATE_PATH, content=content, headers=headers)  # opens the connection
        for _ in range(requests):
            started = time.perf_counter()
            client.post(BULK_UPDATE_PATH, content=content, headers=headers).raise_for_status()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _median(values: Sequence[float | None]) -> float | None:
    measured = [value for value in values if value is not None]
    return round(statistics.median(measured), 3) if measured else None
