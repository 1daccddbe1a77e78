"""``LatencyLayer``: every answer leaves ``latency_ms`` late, as from a distant staging API.

The delay is an ``asyncio.sleep`` before the response starts, so a delayed request holds no
thread and blocks no other request: many can wait out their latency at the same time.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["LatencyLayer", "check_latency_ms"]


def check_latency_ms(latency_ms: int) -> int:
    """``latency_ms`` itself; ``ValueError`` when it is negative."""
    if latency_ms < 0:
        raise ValueError(f"latency_ms must be at least 0, got {latency_ms}")
    return latency_ms


class LatencyLayer:
    """Wraps a whole ASGI app, so that even the framework's own error answers are delayed."""

    def __init__(self, app: ASGIApp, *, latency_ms: int) -> None:
        self.app = app
        self.seconds = check_latency_ms(latency_ms) / 1000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.seconds:
            await self.app(scope, receive, send)
            return

        async def delayed(message: Message) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(self.seconds)
            await send(message)

        await self.app(scope, receive, delayed)
