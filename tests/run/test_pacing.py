"""The pacer: requests_per_second and Retry-After for a whole run, whatever the threads."""

import itertools
import threading

import pytest
from support.fake_time import FakeTime
from support.threads import start_together

from conformance.run.pacing import Pacer


def _turns_from_threads(pacer: Pacer, threads: int, each: int) -> list[float]:
    """The times at which ``threads`` threads, ``each`` turns apiece, were let go."""
    let_go: list[float] = []
    lock = threading.Lock()

    def take_turns() -> None:
        for _ in range(each):
            at = pacer.wait_turn()
            with lock:
                let_go.append(at)

    start_together(threads, take_turns)
    return sorted(let_go)


def test_requests_per_second_holds_under_concurrency_8() -> None:
    fake = FakeTime()
    pacer = Pacer(8, sleep=fake.sleep, clock=fake.clock)
    let_go = _turns_from_threads(pacer, threads=8, each=25)
    assert len(let_go) == 200
    # No one-second window, wherever it starts, holds more than the limit plus one (the
    # request on its far edge).
    busiest = max(sum(1 for t in let_go if start <= t < start + 1.0) for start in let_go)
    assert busiest <= 8 + 1
    gaps = [later - earlier for earlier, later in itertools.pairwise(let_go)]
    assert min(gaps) == pytest.approx(1 / 8)


def test_without_a_limit_nobody_waits() -> None:
    fake = FakeTime()
    pacer = Pacer(None, sleep=fake.sleep, clock=fake.clock)
    assert _turns_from_threads(pacer, threads=8, each=10) == [100.0] * 80
    assert fake.slept == []


def test_a_retry_after_holds_back_every_thread() -> None:
    fake = FakeTime()
    pacer = Pacer(None, sleep=fake.sleep, clock=fake.clock)
    pacer.wait_turn()
    pacer.hold_back(5.0)
    let_go = _turns_from_threads(pacer, threads=8, each=3)
    assert min(let_go) == 105.0
    assert fake.slept == [5.0]  # one wait for all: the others found it over


def test_a_retry_after_and_the_rate_limit_add_up() -> None:
    fake = FakeTime()
    pacer = Pacer(4, sleep=fake.sleep, clock=fake.clock)
    assert pacer.wait_turn() == 100.0
    pacer.hold_back(2.0)
    assert [pacer.wait_turn() for _ in range(3)] == [102.0, 102.25, 102.5]
