"""Several requests in flight: the threads of a run, and how a generated phase is shared out.

``limits.concurrency`` (or ``--concurrency``) caps the requests in flight; the client enforces
it (``TargetClient``). The phases decide what runs side by side:

- The probes are handed out in order to ``concurrency`` threads.
- A generated phase is split into independent Hypothesis runs. Each run gets a share of the
  phase's examples and a seed derived from the run's seed, the phase and the run's index, so
  the same seed and the same concurrency give the same runs, and with them the same
  requests. There is one run more than requests may be in flight: while the others wait for
  their answers, one run generates its next example, so even at concurrency 1 the time spent
  generating hides behind the time spent waiting.

The threads come from one standard ``ThreadPoolExecutor`` per run (``run_pool``), kept from
one phase to the next: Hypothesis keeps some caches per thread, so a thread that drew for one
phase draws the next one's examples quicker than a new thread would.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor, wait
from dataclasses import dataclass

__all__ = [
    "MIN_EXAMPLES_PER_RUN",
    "Share",
    "derived_seed",
    "in_index_order",
    "run_pool",
    "share_out",
]

MIN_EXAMPLES_PER_RUN = 5
"""A phase is not split into runs smaller than this.

Every Hypothesis run starts from the same simplest example and spends its first examples
near it; tiny runs would send little else.
"""


@dataclass(frozen=True)
class Share:
    """One Hypothesis run of a generated phase."""

    index: int
    examples: int
    seed: int


def derived_seed(seed: int, phase: str, index: int) -> int:
    """The seed of run ``index`` of ``phase``: fixed by the run's seed, never by timing."""
    digest = hashlib.sha256(f"{seed}\0{phase}\0{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def share_out(phase: str, examples: int, *, seed: int, concurrency: int) -> list[Share]:
    """Split ``examples`` into up to ``concurrency + 1`` runs, the first ones one larger."""
    runs = max(1, min(concurrency + 1, examples // MIN_EXAMPLES_PER_RUN))
    size, larger = divmod(examples, runs)
    return [
        Share(index, size + (1 if index < larger else 0), derived_seed(seed, phase, index))
        for index in range(runs)
    ]


def run_pool(concurrency: int) -> ThreadPoolExecutor:
    """The threads of a run at ``concurrency``: one per Hypothesis run of a generated phase."""
    return ThreadPoolExecutor(max_workers=concurrency + 1, thread_name_prefix="cf-conformance")


def in_index_order(
    pool: Executor, task: Callable[[int], None], count: int, *, threads: int
) -> None:
    """Call ``task(0)`` … ``task(count - 1)`` on up to ``threads`` threads of ``pool``.

    The indices are handed out in order to whichever thread is free, so a task starts only
    once every task before it has started, whatever the size of ``pool`` (a pool with fewer
    threads just runs fewer tasks at once). The first exception (any ``BaseException``)
    stops the handing out of further indices; it is raised here once every thread has
    finished the task it had. With one thread, the tasks run in the calling thread.
    """
    if threads <= 1 or count <= 1:
        for index in range(count):
            task(index)
        return
    indices = iter(range(count))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def serve() -> None:
        while True:
            with lock:
                index = None if errors else next(indices, None)
            if index is None:
                return
            try:
                task(index)
            except BaseException as exc:  # handed to the calling thread
                with lock:
                    errors.append(exc)
                return

    futures = [pool.submit(serve) for _ in range(min(threads, count))]
    try:
        wait(futures)
    except BaseException as exc:  # interrupted while waiting: hand out nothing more
        with lock:
            errors.append(exc)
        raise
    if errors:
        raise errors[0]
