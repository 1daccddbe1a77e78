"""Several threads let go at the same moment, for tests of what must hold across threads."""

from __future__ import annotations

import threading
from collections.abc import Callable

START_TIMEOUT_SECONDS = 10.0


def start_together(threads: int, body: Callable[[], None]) -> None:
    """Run ``body`` on ``threads`` threads released together; return once all have ended."""
    start = threading.Barrier(threads, timeout=START_TIMEOUT_SECONDS)

    def released() -> None:
        start.wait()
        body()

    workers = [threading.Thread(target=released) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
