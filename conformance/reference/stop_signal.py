"""``StopSignal``: the server is stopping; set from any thread, awaited in the server's loop.

A fault that holds a request open (it never answers) waits on this as well as on the client's
disconnect, so that stopping the server lets it go at once instead of waiting out uvicorn's
graceful-shutdown timeout and leaving a task to be cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

__all__ = ["StopSignal"]

_Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]


class StopSignal:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = False
        self._waiters: list[_Waiter] = []

    def is_set(self) -> bool:
        with self._lock:
            return self._stopping

    def set(self) -> None:
        """Wake every waiter; safe to call from any thread, and more than once."""
        with self._lock:
            self._stopping = True
            waiters, self._waiters = self._waiters, []
        for loop, future in waiters:
            # The waiter's loop may have closed meanwhile: then nothing is left to wake.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_resolve, future)

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        waiter: _Waiter = (loop, loop.create_future())
        with self._lock:
            if self._stopping:
                return
            self._waiters.append(waiter)
        try:
            await waiter[1]
        finally:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
