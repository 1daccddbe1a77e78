"""The client-side ceiling: one mixed bulk request sent again and again with one httpx.Client."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from benchmarks.figures import rate
from conformance.openapi import BULK_UPDATE_PATH
from conformance.sandbox import Sandbox, reserved_id

__all__ = ["RawLoopResult", "mixed_bulk_body", "run_raw_loop"]


@dataclass(frozen=True)
class RawLoopResult:
    requests: int
    seconds: float
    items: int

    @property
    def rps(self) -> float:
        return rate(self.requests, self.seconds)


def mixed_bulk_body(sandbox: Sandbox) -> dict[str, Any]:
    """Ten items covering every outcome the server decides: the work of a typical request.

    Writable with and without a workspace hint, writable under a wrong hint, foreign with and
    without a hint, unknown reserved ids, and one id sent twice.
    """
    writable, foreign = sandbox.writable, sandbox.foreign
    if len(writable) < 4 or len(foreign) < 2:
        raise ValueError("the mixed request needs 4 writable and 2 foreign sandbox incidents")
    own, other = writable[0].workspace, foreign[0].workspace
    items: list[dict[str, Any]] = [
        {"id": writable[0].id, "workspace": own, "status": "Active"},
        {"id": writable[1].id, "classification": "BenignPositive"},
        {"id": writable[2].id, "workspace": other},
        {"id": foreign[0].id},
        {"id": foreign[1].id, "workspace": own},
        {"id": reserved_id()},
        {"id": reserved_id(), "workspace": own},
        {"id": reserved_id(), "comment": "benchmark"},
        {"id": writable[0].id, "workspace": own, "status": "Active"},
        {"id": writable[3].id, "comment": "benchmark"},
    ]
    return {"items": items}


def run_raw_loop(
    base_url: str,
    authorization: str,
    sandbox: Sandbox,
    *,
    requests: int,
    time_box: float,
) -> RawLoopResult:
    """Send the mixed request up to ``requests`` times, or until ``time_box`` seconds passed."""
    body = mixed_bulk_body(sandbox)
    content = json.dumps(body).encode("utf-8")
    headers = {
        "Authorization": authorization,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        # One request outside the clock: opens the connection and proves the request is good.
        _expect_ok(client.post(BULK_UPDATE_PATH, content=content, headers=headers))
        sent = 0
        started = time.perf_counter()
        deadline = started + time_box
        while sent < requests and time.perf_counter() < deadline:
            _expect_ok(client.post(BULK_UPDATE_PATH, content=content, headers=headers))
            sent += 1
        elapsed = time.perf_counter() - started
    return RawLoopResult(requests=sent, seconds=elapsed, items=len(body["items"]))


def _expect_ok(response: httpx.Response) -> None:
    # A loop of 401s or 400s would be fast and meaningless.
    if response.status_code != 200:
        raise RuntimeError(
            f"the raw loop's request was answered {response.status_code}: {response.text[:300]}"
        )
