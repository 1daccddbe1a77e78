"""Several requests in flight: the threads of a phase, and how a generated phase is shared out.

``limits.concurrency`` (or ``--concurrency``) caps the requests in flight; the client enforces
it (``TargetClient``). The phases decide what runs side by side:

- The probes are handed out in order to ``concurrency`` threads.
- A generated phase is split into independent Hypothesis runs, one thread each. Each run gets
  a share of the phase's examples and a seed derived from the run's seed, the phase and the
  run's index, so the same seed and the same concurrency give the same runs, and with them
  the same requests. There is one run more than requests may be in flight: while the others
  wait for their answers, one run generates its next example, so even at concurrency 1 the
  time spent generating hides behind the time spent waiting.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "MIN_EXAMPLES_PER_RUN",
    "ONE_AT_A_TIME",
    "Share",
    "Workers",
    "derived_seed",
    "import_ahead",
    "in_background",
    "quick_thread_switches",
    "share_out",
]

T = TypeVar("T")

ONE_AT_A_TIME = threading.RLock()
"""Held while drawing an example, running schemathesis's checks, or loading schemathesis.

Hypothesis and schemathesis fill caches and import modules on first use, from inside a draw:
descriptions of filter functions, lazily built strategies, modules. Done by two threads at
once, some of this fails (before Python 3.14 a first import made by two threads at once can
fail, CPython issue gh-83065) or makes Hypothesis see the strategy as flaky. It is all CPU
work, and the interpreter runs one thread's Python at a time anyway, so taking turns costs no
time: one run draws while the others wait for their answers.
"""

SWITCH_INTERVAL_SECONDS = 0.0002
"""How long a thread may keep the interpreter while another one waits for it, during a run.

Python's default is 5 ms. A thread whose answer has arrived then waits up to that long for a
thread that is drawing an example, and does so again to read the body: against a distant
target, up to a fifth of every request's time.
"""

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


IMPORTED_AHEAD = (
    "encodings.ascii",
    "encodings.idna",
    "hypothesis.internal.conjecture.optimiser",
    "hypothesis.strategies._internal.flatmapped",
    "hypothesis.strategies._internal.random",
    "hypothesis.strategies._internal.regex",
    "schemathesis.generation.body_overrides",
    "schemathesis.generation.dictionaries",
    "schemathesis.python.asgi",
    "schemathesis.transport.asgi",
    "schemathesis.transport.wsgi",
)
"""Modules that Hypothesis, schemathesis or the codecs import on first use, mid-draw.

Before Python 3.14, a module imported for the first time by two threads at once can fail
with a spurious "partially initialized module" ``ImportError`` (CPython issue gh-83065).
The list is what the generated phases were seen to import from their threads.
"""


def import_ahead() -> None:
    """Import ``IMPORTED_AHEAD`` in the calling thread, before any thread of a phase starts.

    Taking turns with the background loading of schemathesis (``ONE_AT_A_TIME``): two threads
    importing the same package's modules at once can each hold a module the other needs, and
    the import system then raises ``_DeadlockError`` in one of them.
    """
    with ONE_AT_A_TIME:
        for name in IMPORTED_AHEAD:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)


class Workers:
    """The threads of a run, kept from one phase to the next.

    Hypothesis keeps its caches per thread (the strategies it built, the descriptions of the
    functions it filters with, its constants), so a thread that drew for one phase draws the
    next one's examples quicker than a new thread would. A thread left idle for
    ``IDLE_SECONDS`` ends; ``close`` ends them all.
    """

    IDLE_SECONDS = 30.0

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def run(self, task: Callable[[int], None], count: int, *, threads: int) -> None:
        """Call ``task(0)`` … ``task(count - 1)`` on up to ``threads`` threads, in index order.

        The first exception (any ``BaseException``) stops the handing out of further indices;
        it is raised here once every thread has finished the task it had. With one thread,
        the tasks run in the calling thread.
        """
        if threads <= 1 or count <= 1:
            for index in range(count):
                task(index)
            return
        import_ahead()
        batch = _Batch(task, count)
        needed = min(threads, count)
        with self._lock:
            while len(self._threads) < needed:
                worker = threading.Thread(
                    target=self._serve, name=f"cf-conformance-{len(self._threads)}", daemon=True
                )
                self._threads.append(worker)
                worker.start()
            for _ in range(needed):
                self._jobs.put(batch.work)
        batch.wait(needed)

    def close(self) -> None:
        with self._lock:
            for _ in self._threads:
                self._jobs.put(None)
            self._threads.clear()

    def _serve(self) -> None:
        # Daemon threads: an interrupted run must not wait for requests still in flight.
        while True:
            try:
                job = self._jobs.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    # A job handed out before this check is taken; one handed out after it
                    # finds this thread gone and a new one started for it.
                    if self._jobs.empty():
                        with contextlib.suppress(ValueError):  # already gone after close()
                            self._threads.remove(threading.current_thread())
                        return
                continue
            if job is None:
                return
            job()


class _Batch:
    """The indices of one ``Workers.run`` call, handed out in order until one task fails."""

    def __init__(self, task: Callable[[int], None], count: int) -> None:
        self._task = task
        self._indices = iter(range(count))
        self._errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._finished = threading.Semaphore(0)

    def work(self) -> None:
        try:
            while True:
                with self._lock:
                    index = None if self._errors else next(self._indices, None)
                if index is None:
                    return
                try:
                    self._task(index)
                except BaseException as exc:  # handed to the calling thread
                    with self._lock:
                        self._errors.append(exc)
                    return
        finally:
            self._finished.release()

    def wait(self, workers: int) -> None:
        for _ in range(workers):
            self._finished.acquire()
        if self._errors:
            raise self._errors[0]


@contextlib.contextmanager
def quick_thread_switches() -> Iterator[None]:
    """``SWITCH_INTERVAL_SECONDS`` while the block runs, then the interval as it was."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def in_background(function: Callable[[], T]) -> Future[T]:
    """Start ``function`` on a thread of its own; its result (or exception) when asked for."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(function())
        except BaseException as exc:  # handed to whoever asks for the result
            future.set_exception(exc)

    threading.Thread(target=run, name="cf-conformance-background", daemon=True).start()
    return future
