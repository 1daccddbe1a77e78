"""The ASGI layer that lets a fault see and rewrite one exchange, outside the handlers.

A layer buffers the request body (up to a bound), lets the fault rewrite the request or answer
it directly, runs the app, buffers the response and lets the fault rewrite that too. A fault may
also hold a request without ever answering it: the layer then waits, without blocking the event
loop, until the client gives up (disconnects) or the server stops.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from conformance.reference.handlers import STATUS_CODES
from conformance.reference.responses import problem_response
from conformance.reference.stop_signal import StopSignal

__all__ = ["BufferedRequest", "BufferedResponse", "FaultHooks", "FaultLayer"]

# Larger bodies pass through unbuffered: faults then see ``body=None`` and leave them alone.
_BUFFER_LIMIT = 2 * 1024 * 1024


def _decode_json(raw: bytes | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


@dataclass
class BufferedRequest:
    method: str
    path: str
    headers: list[tuple[bytes, bytes]]
    body: bytes | None

    def header(self, name: str) -> str | None:
        wanted = name.lower().encode()
        return next((v.decode("latin-1") for k, v in self.headers if k.lower() == wanted), None)

    def set_header(self, name: str, value: str) -> None:
        wanted = name.lower().encode()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != wanted]
        self.headers.append((wanted, value.encode("latin-1")))

    def json(self) -> Any:
        """The parsed body, or None when there is none or it is not JSON."""
        return _decode_json(self.body)


@dataclass
class BufferedResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    @property
    def media_type(self) -> str:
        for key, value in self.headers:
            if key.lower() == b"content-type":
                return value.decode("latin-1").split(";", 1)[0].strip().lower()
        return ""

    def set_header(self, name: str, value: str | None) -> None:
        wanted = name.lower().encode()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != wanted]
        if value is not None:
            self.headers.append((wanted, value.encode("latin-1")))

    def json(self) -> Any:
        return _decode_json(self.body)

    def set_json(self, document: Any) -> None:
        self.body = json.dumps(document, separators=(",", ":")).encode()


RequestHook = Callable[[BufferedRequest, Any], "BufferedRequest | BufferedResponse"]
ResponseHook = Callable[[BufferedRequest, BufferedResponse, Any], BufferedResponse]
HoldHook = Callable[[BufferedRequest, Any], bool]


@dataclass(frozen=True)
class FaultHooks:
    on_request: RequestHook | None = None
    on_response: ResponseHook | None = None
    holds: HoldHook | None = None
    """True for a request the fault never answers (checked before ``on_request``)."""

    @property
    def any(self) -> bool:
        return any(hook is not None for hook in (self.on_request, self.on_response, self.holds))


class FaultLayer:
    """Starlette middleware: ``Middleware(FaultLayer, hooks=..., context=..., stopping=...)``.

    ``stopping`` lets held requests go when the server stops; without it, only the client's
    disconnect ends a hold.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        hooks: FaultHooks,
        context: Any,
        stopping: StopSignal | None = None,
    ) -> None:
        self.app = app
        self.hooks = hooks
        self.context = context
        self.stopping = stopping

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        original_receive = receive
        body, receive = await _buffer_body(receive)
        request = BufferedRequest(
            method=scope["method"], path=scope["path"], headers=list(scope["headers"]), body=body
        )
        if self.hooks.holds is not None and self.hooks.holds(request, self.context):
            if await _hold(receive, self.stopping):
                await _stopping_answer(scope, receive, send)
            return
        if self.hooks.on_request is not None:
            outcome = self.hooks.on_request(request, self.context)
            if isinstance(outcome, BufferedResponse):
                await _send_buffered(outcome, send)
                return
            request = outcome
            if request.body is not None:
                request.set_header("content-length", str(len(request.body)))
                receive = _replay([request.body], original_receive)
            scope = {**scope, "headers": request.headers}
        if self.hooks.on_response is None:
            await self.app(scope, receive, send)
            return
        response = await _capture(self.app, scope, receive)
        if response is None:  # an inner fault held the request: there is nothing to rewrite
            return
        await _send_buffered(self.hooks.on_response(request, response, self.context), send)


async def _hold(receive: Receive, stopping: StopSignal | None) -> bool:
    """Answer nothing until the client disconnects (False) or the server stops (True)."""

    async def until_disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    disconnected = asyncio.ensure_future(until_disconnected())
    waiters: set[asyncio.Future[None]] = {disconnected}
    if stopping is not None:
        waiters.add(asyncio.ensure_future(stopping.wait()))
    try:
        done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    return disconnected not in done


async def _stopping_answer(scope: Scope, receive: Receive, send: Send) -> None:
    """What a client still waiting on a held request gets when the server stops."""
    detail = "the server is stopping"
    response = problem_response(503, STATUS_CODES[503], detail, instance=scope["path"])
    await response(scope, receive, send)


async def _buffer_body(receive: Receive) -> tuple[bytes | None, Receive]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # a disconnect: let the app see it
            return None, _replay_then(chunks, [message], receive)
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), _replay([b"".join(chunks)], receive)
        if size > _BUFFER_LIMIT:
            return None, _replay_then(chunks, [], receive)


def _replay(chunks: list[bytes], rest: Receive) -> Receive:
    """The whole body again, then whatever the client sends next (its disconnect)."""
    *head, last = chunks
    return _replay_then(head, [{"type": "http.request", "body": last, "more_body": False}], rest)


def _replay_then(chunks: list[bytes], then: list[Message], rest: Receive) -> Receive:
    """``chunks`` as a body still in progress, then the messages ``then``, then ``rest``."""
    queue: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": True} for chunk in chunks
    ]
    queue.extend(then)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        return await rest()

    return receive


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> BufferedResponse | None:
    """The app's whole answer, or None when it sent none."""
    response = BufferedResponse(status=500, headers=[], body=b"")
    chunks: list[bytes] = []
    started = False

    async def send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
            response.status = message["status"]
            response.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    response.body = b"".join(chunks)
    return response if started else None


async def _send_buffered(response: BufferedResponse, send: Send) -> None:
    response.set_header("content-length", str(len(response.body)))
    start = {"type": "http.response.start", "status": response.status, "headers": response.headers}
    await send(start)
    await send({"type": "http.response.body", "body": response.body})
