"""The run's deadline: time left, and the ``OutOfTime`` it raises once passed."""

from __future__ import annotations

import math

import pytest
from support.fake_time import FakeTime

from conformance.run.deadline import Deadline, OutOfTime


def test_time_left_counts_down_to_zero_and_never_below() -> None:
    fake = FakeTime()
    deadline = Deadline(10.0, clock=fake.clock)
    assert deadline.time_left() == 10.0
    fake.sleep(4.0)
    assert (deadline.time_left(), deadline.passed) == (6.0, False)
    fake.sleep(7.0)
    assert (deadline.time_left(), deadline.passed) == (0.0, True)


def test_check_raises_once_passed_and_notes_that_time_ran_out() -> None:
    fake = FakeTime()
    deadline = Deadline(3.0, clock=fake.clock)
    deadline.check()
    assert not deadline.ran_out
    fake.sleep(3.0)
    with pytest.raises(OutOfTime) as excinfo:
        deadline.check()
    assert str(excinfo.value) == (
        "the run's time budget of 3 s is spent "
        "(raise limits.max_run_seconds or --max-run-seconds to allow more)"
    )
    assert deadline.ran_out


def test_without_a_budget_there_is_always_time_left() -> None:
    fake = FakeTime()
    deadline = Deadline(None, clock=fake.clock)
    fake.sleep(1e9)
    deadline.check()
    assert (deadline.time_left(), deadline.passed, deadline.ran_out) == (math.inf, False, False)
