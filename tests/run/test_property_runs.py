"""One property's runs side by side: turns that need no thread per run, and imports mid-draw."""

import importlib
import itertools
import json
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from hypothesis import strategies as st

from conformance.checks import CheckContext, Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reports import Progress
from conformance.run.client import PlannedRequest, TargetClient
from conformance.run.credentials import Credential, Redactor
from conformance.run.phases import PhaseContext
from conformance.run.properties import run_property
from conformance.run.recorder import Recorder
from conformance.run.target import Limits, Target

Plan = Callable[[int], list[tuple[PlannedRequest, Intent]]]


def _answer(request: httpx.Request) -> httpx.Response:
    """A 500 for every body naming a number of 7 or more (C15), a 200 for the others."""
    number = json.loads(request.content)["n"]
    return httpx.Response(500 if number >= 7 else 200)


def _context(concurrency: int, *, pool_threads: int | None = None) -> PhaseContext:
    target = Target(
        name="t",
        base_url="http://127.0.0.1:1",
        writer=Credential("bearer", secret="runs-secret"),
        limits=Limits(concurrency=concurrency, retries=0),
    )
    client = TargetClient(target, transport=httpx.MockTransport(_answer))
    context = PhaseContext(
        client=client,
        # C15 alone: the stand-in answers without the envelope the other clauses ask for.
        recorder=Recorder(
            context=CheckContext(), redactor=Redactor(), seed=3, only=frozenset({"C15"})
        ),
        progress=Progress(quiet=True),
        seed=3,
    )
    if pool_threads is not None:
        context.close()
        context.pool = ThreadPoolExecutor(max_workers=pool_threads)
    return context


def _plan(number: int) -> list[tuple[PlannedRequest, Intent]]:
    body = json.dumps({"n": number}).encode()
    headers = {"Content-Type": "application/json", "Authorization": "Bearer runs-secret"}
    return [(PlannedRequest("POST", BULK_UPDATE_PATH, headers, body), Intent())]


@pytest.mark.parametrize(
    "pool_threads",
    [1, 2, None],
    ids=["one-thread-for-five-runs", "two-threads-for-five-runs", "a-thread-per-run"],
)
def test_runs_take_turns_to_shrink_whatever_the_threads_they_get(
    pool_threads: int | None,
) -> None:
    # Five runs, each finding the 500; with fewer threads than runs, a run that waits for its
    # turn must not wait for one that has not started.
    context = _context(4, pool_threads=pool_threads)
    done = threading.Event()

    def run() -> None:
        run_property(context, "numbers", st.integers(0, 20), _plan, max_examples=50)
        done.set()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    assert done.wait(60), "the runs waited for each other for ever"
    context.close()
    [record] = context.recorder.records
    assert (record.clause, record.request["body"]) == ("C15", {"n": 7})  # shrunk, found once


# -- a module imported for the first time, mid-draw, by two runs at once ------------------------

CIRCULAR = {
    "first.py": """
        import time

        time.sleep(0.5)  # the other run starts on `second` meanwhile
        from {package}.second import SECOND

        FIRST = SECOND - 1
    """,
    "second.py": """
        from {package} import first

        SECOND = 2
    """,
}
"""Two modules that import each other, fine in one thread when ``first`` is imported first
(as a library's own ``__init__`` would)."""


@pytest.fixture
def circular_package(tmp_path: Path) -> Iterator[str]:
    """A package of two modules that import each other, as libraries' internals do."""
    package = f"cf_circular_{tmp_path.name.replace('-', '_')}"
    root = tmp_path / package
    root.mkdir()
    (root / "__init__.py").write_text("")
    for name, source in CIRCULAR.items():
        (root / name).write_text(textwrap.dedent(source.format(package=package)))
    sys.path.insert(0, str(tmp_path))
    try:
        yield package
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.split(".")[0] == package]:
            del sys.modules[name]


def test_runs_drawing_examples_that_import_on_first_use_do_not_break_each_other(
    circular_package: str,
) -> None:
    # Hypothesis and schemathesis import some modules on first use, from inside a draw
    # (``st.randoms()``, schemathesis's mutations). Before Python 3.14, two threads importing
    # modules that import each other can make one of them fail (a ``_DeadlockError``, or a
    # partially initialised module). The first run to draw imports one module, the second
    # the other.
    turns = itertools.count()

    def imported(number: int) -> int:
        module = ("first", "second")[min(next(turns), 1)]
        importlib.import_module(f"{circular_package}.{module}")
        return number % 7  # always answered with a 200

    context = _context(1)
    run_property(context, "imports", st.integers(0, 1000).map(imported), _plan, max_examples=10)
    context.close()
    assert context.client.stats.requests >= 5
    assert context.recorder.records == []
