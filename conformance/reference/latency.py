"""``LatencyLayer``: every answer leaves ``latency_ms`` after its request came in, as from a
distant staging API whose response time is ``latency_ms``.

The latency counts from the request's arrival, so the server's own work happens inside it, as
it does on the far side of a network: a client waiting on such a target waits ``latency_ms``
per request, not ``latency_ms`` plus whatever this process took on a shared machine. An answer
that took longer than the latency to prepare leaves as soon as it is ready.

The delay is an ``asyncio.sleep`` before the response starts, so a delayed request holds no
thread and blocks no other request: many can wait out their latency at the same time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["LatencyLayer", "check_latency_ms"]


def check_latency_ms(latency_ms: int) -> int:
    """``latency_ms`` itself; ``ValueError`` when it is negative."""
    if latency_ms < 0:
        raise ValueError(f"latency_ms must be at least 0, got {latency_ms}")
    return latency_ms


class LatencyLayer:
    """Wraps a whole ASGI app, so that even the framework's own error answers are delayed."""

    def __init__(
        self, app: ASGIApp, *, latency_ms: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.seconds = check_latency_ms(latency_ms) / 1000
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.seconds:
            await self.app(scope, receive, send)
            return
        leaves_at = self.clock() + self.seconds

        async def delayed(message: Message) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(max(0.0, leaves_at - self.clock()))
            await send(message)

        await self.app(scope, receive, delayed)
