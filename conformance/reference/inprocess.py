"""A synchronous httpx transport that calls an ASGI app in-process: no socket, no thread.

httpx's own ``ASGITransport`` is async-only; this one lets plain ``httpx.Client`` code (the
runner, the tests) talk to ``create_app()`` directly.
"""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import ASGIApp

__all__ = ["InProcessTransport", "in_process_client"]


class InProcessTransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp) -> None:
        self._transport = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            request.read()
            response = await self._transport.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._loop.run_until_complete(send())

    def close(self) -> None:
        self._loop.close()


def in_process_client(app: ASGIApp, *, base_url: str = "http://reference.test") -> httpx.Client:
    return httpx.Client(transport=InProcessTransport(app), base_url=base_url)
