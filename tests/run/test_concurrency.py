"""Several requests in flight: how phases are shared out, and what stays reproducible."""

import json
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from support.capture import Capture
from support.clause_sets import WITHOUT_READBACK

from conformance.reference import ReferenceServer, env_values, write_target_file
from conformance.reports import Progress
from conformance.run.client import PlannedRequest, TargetClient
from conformance.run.concurrency import (
    MIN_EXAMPLES_PER_RUN,
    Share,
    derived_seed,
    in_index_order,
    run_pool,
    share_out,
)
from conformance.run.runner import RunOptions, execute

# -- sharing a phase out ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("examples", "concurrency", "sizes"),
    [
        pytest.param(150, 8, [17, 17, 17, 17, 17, 17, 16, 16, 16], id="150-over-9-runs"),
        pytest.param(100, 1, [50, 50], id="concurrency-1-still-overlaps-two-runs"),
        pytest.param(10, 8, [5, 5], id="no-run-below-the-minimum"),
        pytest.param(4, 8, [4], id="a-small-phase-is-one-run"),
        pytest.param(0, 4, [0], id="nothing-to-share"),
    ],
)
def test_a_phase_is_shared_out_into_runs(examples: int, concurrency: int, sizes: list[int]) -> None:
    shares = share_out("valid", examples, seed=7, concurrency=concurrency)
    assert [share.examples for share in shares] == sizes
    assert [share.index for share in shares] == list(range(len(sizes)))
    assert all(size >= MIN_EXAMPLES_PER_RUN for size in sizes) or len(sizes) == 1


def test_run_seeds_depend_on_the_seed_the_phase_and_the_run_only() -> None:
    first = share_out("valid", 100, seed=7, concurrency=4)
    assert first == share_out("valid", 100, seed=7, concurrency=4)
    assert len({share.seed for share in first}) == len(first)
    assert first[0].seed != share_out("invalid", 100, seed=7, concurrency=4)[0].seed
    assert first[0].seed != share_out("valid", 100, seed=8, concurrency=4)[0].seed
    assert first[1] == Share(1, 20, derived_seed(7, "valid", 1))


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with run_pool(3) as threads:
        yield threads


def test_tasks_run_side_by_side(pool: ThreadPoolExecutor) -> None:
    # Each task waits for all four to be running at once: run one after the other, the
    # barrier would time out and break.
    all_running = threading.Barrier(4, timeout=10)
    done: list[int] = []

    def task(index: int) -> None:
        all_running.wait()
        done.append(index)

    in_index_order(pool, task, 4, threads=4)
    assert sorted(done) == [0, 1, 2, 3]


def test_handing_out_tasks_stops_after_an_error(pool: ThreadPoolExecutor) -> None:
    ran: list[int] = []

    def task(index: int) -> None:
        ran.append(index)
        if index == 1:
            raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        in_index_order(pool, task, 50, threads=2)
    assert len(ran) < 50


def test_with_one_thread_tasks_run_in_order_in_the_calling_thread(
    pool: ThreadPoolExecutor,
) -> None:
    threads: list[str] = []
    in_index_order(pool, lambda i: threads.append(threading.current_thread().name), 3, threads=1)
    assert threads == [threading.current_thread().name] * 3


@pytest.mark.parametrize("size", [1, 2, 5], ids=["one-thread", "two-threads", "more-than-tasks"])
def test_tasks_start_in_index_order_whatever_the_size_of_the_pool(size: int) -> None:
    started: list[int] = []
    with ThreadPoolExecutor(max_workers=size) as pool:
        in_index_order(pool, started.append, 20, threads=4)
    assert started == list(range(20))


def test_the_same_threads_serve_one_phase_after_another() -> None:
    # Hypothesis keeps some caches per thread: the next phase should find them warm.
    seen: list[set[int]] = [set(), set()]
    with run_pool(2) as pool:
        for phase in (0, 1):
            barrier = threading.Barrier(3, timeout=10)

            def task(index: int, phase: int = phase, barrier: threading.Barrier = barrier) -> None:
                barrier.wait()  # three at once, so three different threads
                seen[phase].add(threading.get_ident())

            in_index_order(pool, task, 3, threads=3)
    assert len(seen[0]) == 3
    assert seen[1] == seen[0]


def test_a_run_changes_no_process_wide_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    # The switch interval is the whole process's: the embedded server's thread and a pytest
    # session using the plugin share it with the run.
    changed: list[float] = []
    monkeypatch.setattr(sys, "setswitchinterval", changed.append)
    with run_pool(2) as pool:
        in_index_order(pool, lambda index: None, 3, threads=3)
    assert changed == []


# -- reproducibility ----------------------------------------------------------------------------


class _Sent:
    """The body of every request a run sends, by the phase that was running."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.bodies: dict[str, Counter[bytes]] = {}
        self._phase = "preflight"
        self._lock = threading.Lock()
        start, send = Progress.start, TargetClient.send

        def start_phase(progress: Progress, phase: str, total: int) -> None:
            self._phase = phase
            start(progress, phase, total)

        def record(client: TargetClient, planned: PlannedRequest, **options: Any) -> Any:
            # Reads (C21) poll until an incident settles: how many follows the target's
            # timing, not the seed. Only what the run writes must repeat.
            if planned.method != "GET":
                with self._lock:
                    phase = self.bodies.setdefault(self._phase, Counter())
                    phase[planned.content or b""] += 1
            return send(client, planned, **options)

        monkeypatch.setattr(Progress, "start", start_phase)
        monkeypatch.setattr(TargetClient, "send", record)


def _verdict(report: dict[str, Any]) -> dict[str, Any]:
    """What a run concluded, without what differs from one run to the next (times, ids, and
    how many answers each clause judged: the read-back reads each incident until it settles,
    as often as the target's timing asks)."""
    return {
        "passed": report["passed"],
        "clauses": [(c["clause"], c["status"], c["failures"]) for c in report["clauses"]],
        "findings": [
            (f["fingerprint"], f["status"], f["count"], f["phase"], f["request"])
            for f in report["findings"]
        ],
    }


@pytest.fixture
def reference(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Path, dict[str, str]]]:
    with ReferenceServer(faults=request.param) as server:
        target = tmp_path / "target.toml"
        write_target_file(target, server)
        yield target, env_values(server)


@pytest.mark.slow
@pytest.mark.socket
@pytest.mark.parametrize(
    ("reference", "only"),
    [
        pytest.param((), None, id="conforming"),
        # The conforming run covers read-back; against the fault it would only wait.
        pytest.param(("accept-foreign",), WITHOUT_READBACK, id="accept-foreign"),
    ],
    indirect=["reference"],
)
def test_same_seed_and_concurrency_send_the_same_requests_per_phase_and_reach_the_same_verdict(
    reference: tuple[Path, dict[str, str]],
    only: frozenset[str] | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target, environ = reference
    runs = []
    for number in (1, 2):
        sent = _Sent(monkeypatch)
        report_path = tmp_path / f"report-{number}.json"
        options = RunOptions(
            target=target,
            profile="default",
            seed=1234,
            max_examples=40,
            concurrency=8,
            report_json=report_path,
            only=only,
        )
        code = execute(options, out=Capture(), environ=environ)
        runs.append((code, sent.bodies, json.loads(report_path.read_text())))
        monkeypatch.undo()
    (code_1, bodies_1, report_1), (code_2, bodies_2, report_2) = runs
    assert list(bodies_1)[:7] == [
        "preflight",
        "probes",
        "valid bulk updates",
        "invalid bulk updates",
        "no id leaks across requests",
        "fuzz (positive)",
        "fuzz (negative)",
    ]
    assert list(bodies_1) == list(bodies_2)  # and the replays of the findings, if any
    for phase in bodies_1:
        assert bodies_1[phase] == bodies_2[phase], phase
    assert code_1 == code_2
    assert _verdict(report_1) == _verdict(report_2)
    assert report_1["concurrency"] == 8
