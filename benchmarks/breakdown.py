"""Where a suite case spends its time: ``python -m benchmarks.breakdown [--examples N]``.

Runs the same property as ``suite_phase`` with timers around the send (client and the
in-process server) and the checks; what is left of each case is Hypothesis generating the
next example. It then replays the generated bodies in a raw loop, which separates the cost
of the bodies the suite sends from the cost of generating and checking them.

The property runs as one Hypothesis run here, one case after the other, so that the timers
of two cases never overlap; a real run overlaps them (``conformance.run.concurrency``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from unittest import mock

import httpx

from benchmarks.figures import rate
from benchmarks.reference import reference_target
from benchmarks.suite_phase import run_suite_phase
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reference import ReferenceServer
from conformance.run.client import TargetClient
from conformance.run.concurrency import Share, derived_seed
from conformance.run.recorder import Recorder

__all__ = ["main"]


@contextmanager
def _timed(
    owner: type, name: str, spent: list[float], kept: list[Any] | None = None
) -> Iterator[None]:
    original: Callable[..., Any] = getattr(owner, name)

    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        if kept is not None:
            kept.append(args[0])
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    with mock.patch.object(owner, name, timed):
        yield


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.breakdown")
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sends: list[float] = []
    checks: list[float] = []
    planned: list[Any] = []
    with ReferenceServer() as server, mock.patch("conformance.run.properties.share_out", _one_run):
        target = reference_target(server)
        run_suite_phase(target, examples=20, seed=args.seed + 1)  # warm caches and imports
        server.wait_idle()
        with (
            _timed(TargetClient, "send", sends, planned),
            _timed(Recorder, "evaluate", checks),
        ):
            suite = run_suite_phase(target, examples=args.examples, seed=args.seed)
        server.wait_idle()
        replay_seconds = _replay(server.base_url, planned)
    cases = suite.cases
    per_case = suite.seconds / max(cases - 1, 1)
    send, check = sum(sends) / len(sends), sum(checks) / len(checks)
    rest = per_case - send - check
    print(f"suite: {cases} cases, {suite.cases_per_second:.1f} cases/s, {per_case * 1e3:.2f} ms")
    for label, value in (("send (client + server)", send), ("checks", check), ("rest", rest)):
        print(f"  {label:<24} {value * 1e3:6.2f} ms  {value / per_case:5.1%}")
    print(
        f"replay of the same {len(planned)} bodies in a raw loop: "
        f"{rate(len(planned), replay_seconds):.1f} req/s"
    )
    return 0


def _one_run(phase: str, examples: int, *, seed: int, concurrency: int) -> list[Share]:
    return [Share(0, examples, derived_seed(seed, phase, 0))]


def _replay(base_url: str, planned: list[Any]) -> float:
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        started = time.perf_counter()
        for request in planned:
            client.post(BULK_UPDATE_PATH, content=request.content, headers=dict(request.headers))
        return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
