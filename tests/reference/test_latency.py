"""``latency_ms``: every answer leaves late, and a delayed answer holds up no other request."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from support.reference_requests import auth_of, items, post_bulk

from conformance.openapi import BULK_UPDATE_PATH
from conformance.reference import ReferenceServer, create_app, reference_state
from conformance.reference.latency import LatencyLayer

SAFETY_TIMEOUT = 10.0


class AnswerSpy:
    """Between the latency layer and the app: notes each answer the app has started."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.started: list[int] = []
        self.all_started = asyncio.Event()
        self.expected = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def spy(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.started.append(message["status"])
                if len(self.started) == self.expected:
                    self.all_started.set()
            await send(message)

        await self.app(scope, receive, spy)


def test_answers_wait_their_latency_side_by_side() -> None:
    """Two requests are both answered by the app while neither has left the latency layer."""

    async def scenario() -> tuple[list[int], list[bool]]:
        app = create_app()
        writer = auth_of(reference_state(app).credentials.writer)
        spy = AnswerSpy(app)
        spy.expected = 2
        # A latency no test waits out: the requests are cancelled once both are inside it.
        transport = httpx.ASGITransport(app=LatencyLayer(spy, latency_ms=600_000))
        async with httpx.AsyncClient(transport=transport, base_url="http://reference.test") as c:
            requests = [
                asyncio.ensure_future(
                    c.post(BULK_UPDATE_PATH, json=items("INC-1001"), headers=writer)
                ),
                asyncio.ensure_future(c.post(BULK_UPDATE_PATH, json={})),
            ]
            await asyncio.wait_for(spy.all_started.wait(), SAFETY_TIMEOUT)
            delivered = [request.done() for request in requests]
            for request in requests:
                request.cancel()
            await asyncio.gather(*requests, return_exceptions=True)
        return sorted(spy.started), delivered

    started, delivered = asyncio.run(scenario())
    assert started == [200, 401]
    assert delivered == [False, False]


def test_no_latency_passes_answers_straight_through() -> None:
    async def scenario() -> int:
        transport = httpx.ASGITransport(app=LatencyLayer(create_app(), latency_ms=0))
        async with httpx.AsyncClient(transport=transport, base_url="http://reference.test") as c:
            response = await asyncio.wait_for(c.post(BULK_UPDATE_PATH, json={}), SAFETY_TIMEOUT)
        return response.status_code

    assert asyncio.run(scenario()) == 401


class SlowApp:
    """An app that takes ``work`` seconds of the layer's clock to prepare each answer."""

    def __init__(self, clock: FakeClock, work: float) -> None:
        self.clock, self.work = clock, work

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.clock.now += self.work
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("work", "expected_sleep"),
    [(0.0, 0.3), (0.1, 0.2), (0.3, 0.0), (0.5, 0.0)],
    ids=["instant", "work-inside-the-latency", "work-as-long", "work-longer"],
)
def test_the_latency_counts_from_the_requests_arrival(
    monkeypatch: pytest.MonkeyPatch, work: float, expected_sleep: float
) -> None:
    """The server's own work happens inside the latency, never on top of it."""
    slept: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("conformance.reference.latency.asyncio.sleep", recorded_sleep)
    clock = FakeClock()
    layer = LatencyLayer(SlowApp(clock, work), latency_ms=300, clock=clock)

    async def scenario() -> int:
        transport = httpx.ASGITransport(app=layer)
        async with httpx.AsyncClient(transport=transport, base_url="http://reference.test") as c:
            return (await c.post(BULK_UPDATE_PATH, json={})).status_code

    assert asyncio.run(scenario()) == 204
    assert slept == [pytest.approx(expected_sleep)]


@pytest.mark.parametrize("latency_ms", [-1, -1000])
def test_a_negative_latency_is_refused(latency_ms: int) -> None:
    message = f"latency_ms must be at least 0, got {latency_ms}"
    with pytest.raises(ValueError, match=message):
        ReferenceServer(latency_ms=latency_ms)
    with pytest.raises(ValueError, match=message):
        LatencyLayer(create_app(), latency_ms=latency_ms)


@pytest.mark.socket
def test_the_served_api_answers_every_kind_of_request_late() -> None:
    latency_ms = 200
    with ReferenceServer(latency_ms=latency_ms) as server:
        assert server.latency_ms == latency_ms
        writer = auth_of(server.credentials.writer)

        def timed(body: object, headers: dict[str, str]) -> tuple[int, float]:
            with httpx.Client(base_url=server.base_url, timeout=SAFETY_TIMEOUT) as client:
                started = time.monotonic()
                response = post_bulk(client, body, headers=headers)
                return response.status_code, time.monotonic() - started

        with ThreadPoolExecutor(max_workers=3) as pool:
            answers = list(
                pool.map(timed, [items("INC-1001"), {}, {"items": "x"}], [writer, {}, writer])
            )
    assert [status for status, _ in answers] == [200, 401, 400]
    # A lower bound only: the answers may be later on a loaded machine, never earlier.
    assert all(seconds >= latency_ms / 1000 for _, seconds in answers), answers
