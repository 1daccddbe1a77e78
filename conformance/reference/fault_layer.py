"""The ASGI layer that lets a fault see and rewrite one exchange, outside the handlers.

A layer buffers the request body (up to a bound), lets the fault rewrite the request or answer
it directly, runs the app, buffers the response and lets the fault rewrite that too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


@dataclass(frozen=True)
class FaultHooks:
    on_request: RequestHook | None = None
    on_response: ResponseHook | None = None


class FaultLayer:
    """Starlette middleware: ``Middleware(FaultLayer, hooks=..., context=...)``."""

    def __init__(self, app: ASGIApp, *, hooks: FaultHooks, context: Any) -> None:
        self.app = app
        self.hooks = hooks
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        original_receive = receive
        body, receive = await _buffer_body(receive)
        request = BufferedRequest(
            method=scope["method"], path=scope["path"], headers=list(scope["headers"]), body=body
        )
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
        await _send_buffered(self.hooks.on_response(request, response, self.context), send)


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


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> BufferedResponse:
    response = BufferedResponse(status=500, headers=[], body=b"")
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            response.status = message["status"]
            response.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    response.body = b"".join(chunks)
    return response


async def _send_buffered(response: BufferedResponse, send: Send) -> None:
    response.set_header("content-length", str(len(response.body)))
    start = {"type": "http.response.start", "status": response.status, "headers": response.headers}
    await send(start)
    await send({"type": "http.response.body", "body": response.body})
