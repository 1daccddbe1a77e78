"""``hang-on-array-body``: one body shape is never answered, everything else is, and the server
still stops at once.

The in-process client has no timeout, so a held request is shown by driving the ASGI app
directly (the app waits on the client and sends nothing) and over a real socket.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import Message
from support.reference_requests import auth_of, items, post_bulk

from conformance.openapi import BULK_UPDATE_PATH
from conformance.reference import ReferenceServer, create_app, in_process_client, reference_state

HANG = "hang-on-array-body"
ARRAY_BODY = b'[{"id": "INC-1001"}]'
# Generous: it only bounds how long a broken test may wait, it is never what a test measures.
SAFETY_TIMEOUT = 10.0


def scope_for(app: Starlette, body: bytes) -> dict[str, Any]:
    authorization = auth_of(reference_state(app).credentials.writer)["Authorization"]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": BULK_UPDATE_PATH,
        "raw_path": BULK_UPDATE_PATH.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"reference.test"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", authorization.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("reference.test", 80),
    }


class Exchange:
    """One request sent straight to the app; the client stays connected until told otherwise."""

    def __init__(self, app: Starlette, body: bytes) -> None:
        self.app = app
        self.body = body
        self.unread: bytes | None = body
        self.sent: list[Message] = []
        self.waiting_on_client = asyncio.Event()
        self.disconnect = asyncio.Event()

    async def receive(self) -> Message:
        if self.unread is not None:
            body, self.unread = self.unread, None
            return {"type": "http.request", "body": body, "more_body": False}
        self.waiting_on_client.set()
        await self.disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    def start(self) -> asyncio.Future[None]:
        scope = scope_for(self.app, self.body)
        return asyncio.ensure_future(self.app(scope, self.receive, self.send))


@pytest.mark.parametrize(
    "faults",
    [
        pytest.param([HANG], id="alone"),
        # A layer outside the hold must not invent an answer for the request it never got.
        pytest.param(["problem-as-json", HANG], id="inside-a-response-rewriting-fault"),
        pytest.param([HANG, "problem-as-json"], id="outside-a-response-rewriting-fault"),
    ],
)
def test_an_array_body_is_held_without_an_answer_until_the_client_gives_up(
    faults: list[str],
) -> None:
    async def scenario() -> list[Message]:
        exchange = Exchange(create_app(faults=faults), ARRAY_BODY)
        task = exchange.start()
        await asyncio.wait_for(exchange.waiting_on_client.wait(), SAFETY_TIMEOUT)
        assert exchange.sent == [], "answered before the client gave up"
        assert not task.done()
        exchange.disconnect.set()
        await asyncio.wait_for(task, SAFETY_TIMEOUT)
        return exchange.sent

    assert asyncio.run(scenario()) == []


def test_stopping_the_server_lets_a_held_request_go() -> None:
    async def scenario() -> list[Message]:
        app = create_app(faults=[HANG])
        exchange = Exchange(app, ARRAY_BODY)
        task = exchange.start()
        await asyncio.wait_for(exchange.waiting_on_client.wait(), SAFETY_TIMEOUT)
        # ReferenceServer.stop sets this from the thread that calls stop(), not the loop's.
        stopper = threading.Thread(target=reference_state(app).stopping.set)
        stopper.start()
        await asyncio.wait_for(task, SAFETY_TIMEOUT)
        stopper.join()
        return exchange.sent

    sent = asyncio.run(scenario())
    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 503
    assert b'"code":"SERVICE_UNAVAILABLE"' in sent[1]["body"]


def test_the_conforming_app_answers_an_array_body() -> None:
    app = create_app()
    with in_process_client(app) as client:
        response = post_bulk(
            client, [{"id": "INC-1001"}], headers=auth_of(reference_state(app).credentials.writer)
        )
    assert (response.status_code, response.json()["code"]) == (400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("body", "content", "status"),
    [
        pytest.param(items("INC-1001"), None, 200, id="object"),
        pytest.param({"items": [["INC-1001"]]}, None, 400, id="array-inside-an-object"),
        pytest.param("[1]", None, 400, id="string-that-looks-like-an-array"),
        pytest.param(None, b"[1,]", 400, id="array-that-is-not-json"),
        pytest.param(None, b"", 200, id="no-body"),
    ],
)
def test_every_other_body_is_answered(body: Any, content: bytes | None, status: int) -> None:
    app = create_app(faults=[HANG])
    headers = {**auth_of(reference_state(app).credentials.writer)}
    if content is not None:
        headers["Content-Type"] = "application/json"
    with in_process_client(app) as client:
        assert post_bulk(client, body, headers=headers, content=content).status_code == status


def raw_post(server: ReferenceServer, body: bytes) -> socket.socket:
    """A request sent on a socket of its own, whose answer is read only later."""
    authorization = auth_of(server.credentials.writer)["Authorization"]
    head = (
        f"POST {BULK_UPDATE_PATH} HTTP/1.1\r\nHost: {server.host}\r\n"
        f"Authorization: {authorization}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    connection = socket.create_connection((server.host, server.port), timeout=SAFETY_TIMEOUT)
    connection.sendall(head.encode() + body)
    return connection


def read_to_end(connection: socket.socket) -> bytes:
    received = b""
    with connection:
        while chunk := connection.recv(65536):
            received += chunk
    return received


@pytest.mark.socket
@pytest.mark.parametrize(
    ("faults", "first_answer"),
    [
        pytest.param((), b"HTTP/1.1 400 ", id="conforming-answers-400"),
        pytest.param((HANG,), b"HTTP/1.1 503 ", id="held-until-the-stop"),
    ],
)
def test_a_held_request_blocks_neither_other_requests_nor_the_stop(
    faults: tuple[str, ...], first_answer: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    threads_before = set(threading.enumerate())
    server = ReferenceServer(faults=faults).start()
    try:
        held = raw_post(server, ARRAY_BODY)
        with httpx.Client(base_url=server.base_url, timeout=SAFETY_TIMEOUT) as client:
            writer = auth_of(server.credentials.writer)
            ok = post_bulk(client, items("INC-1001"), headers=writer)
            invalid = post_bulk(client, items("INC-1001", status="Bogus"), headers=writer)
        assert ok.json()["data"]["accepted"] == ["INC-1001"]
        assert invalid.status_code == 400
        assert server.wait_idle(timeout=SAFETY_TIMEOUT)
    finally:
        with caplog.at_level(logging.ERROR):
            server.stop()
    # What the held connection received, in order: its first answer is the 503 sent at the stop
    # when the fault is on, so nothing was answered before.
    assert read_to_end(held).startswith(first_answer)
    # Released by the stop signal, not cancelled by uvicorn after its graceful timeout.
    assert not [r for r in caplog.records if "graceful shutdown" in r.getMessage()]
    assert [t for t in threading.enumerate() if t not in threads_before and t.is_alive()] == []


# -- hang-on-unassign: a schema-valid request held ----------------------------------------------

UNASSIGN = "hang-on-unassign"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(items("INC-1001", removeAssignee=True), id="valid-unassign"),
        pytest.param(
            {"items": [{"id": "INC-1001"}, {"id": "INC-1002", "removeAssignee": True}]},
            id="one-item-of-two",
        ),
        pytest.param(items("INC-1001", removeAssignee=True, status="Bogus"), id="also-invalid"),
    ],
)
def test_an_item_unassigning_is_held_without_an_answer(body: dict[str, Any]) -> None:
    async def scenario() -> list[Message]:
        exchange = Exchange(create_app(faults=[UNASSIGN]), json.dumps(body).encode())
        task = exchange.start()
        await asyncio.wait_for(exchange.waiting_on_client.wait(), SAFETY_TIMEOUT)
        assert exchange.sent == [], "answered before the client gave up"
        exchange.disconnect.set()
        await asyncio.wait_for(task, SAFETY_TIMEOUT)
        return exchange.sent

    assert asyncio.run(scenario()) == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(items("INC-1001", removeAssignee=False), 200, id="removeAssignee-false"),
        pytest.param(items("INC-1001"), 200, id="without-removeAssignee"),
        pytest.param(items("INC-1001", removeAssignee="true"), 400, id="the-string-true"),
        pytest.param({"removeAssignee": True, "items": []}, 200, id="outside-the-items"),
        pytest.param({"items": 5}, 400, id="items-not-a-list"),
        pytest.param({"items": {"removeAssignee": True}}, 400, id="items-an-object"),
        pytest.param({"items": [True, "removeAssignee"]}, 400, id="items-not-objects"),
    ],
)
def test_every_request_that_does_not_unassign_is_answered(
    body: dict[str, Any], status: int
) -> None:
    app = create_app(faults=[UNASSIGN])
    with in_process_client(app) as client:
        headers = auth_of(reference_state(app).credentials.writer)
        assert post_bulk(client, body, headers=headers).status_code == status
