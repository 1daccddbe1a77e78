"""The run's time budget: where it comes from, and what a run cut short reports as undone."""

from __future__ import annotations

import dataclasses

import pytest
from support.fake_time import FakeTime

from conformance.run.budget import cut_short, left_undone, planned_phases, run_seconds
from conformance.run.deadline import Deadline
from conformance.run.preconditions import UsageError
from conformance.run.profiles import PROFILES

DEFAULT = PROFILES["default"]


@pytest.mark.parametrize(
    ("option", "limits", "seconds"),
    [
        pytest.param(None, None, 600.0, id="the-profile's"),
        pytest.param(None, 90.0, 90.0, id="limits-override-the-profile"),
        pytest.param(30.0, 90.0, 30.0, id="the-option-overrides-limits"),
    ],
)
def test_where_the_budget_comes_from(
    option: float | None, limits: float | None, seconds: float
) -> None:
    assert run_seconds(option, limits, DEFAULT) == seconds


@pytest.mark.parametrize("option", [0.0, 0.5, -1.0, float("inf"), float("nan")])
def test_an_option_out_of_range_is_a_usage_error(option: float) -> None:
    with pytest.raises(UsageError, match="--max-run-seconds must be a number of seconds >= 1"):
        run_seconds(option, None, DEFAULT)


def test_each_profile_fits_its_ci_job() -> None:
    """The nightly workflow gives its job 60 minutes, the pre-release one 90, and each needs
    a few for checkout, install and the drift check."""
    budgets = {name: profile.max_run_seconds for name, profile in PROFILES.items()}
    assert budgets["smoke"] <= 120 < budgets["default"] <= 600
    assert budgets["default"] < budgets["nightly"] <= 50 * 60
    assert budgets["nightly"] < budgets["release"] <= 80 * 60


def test_planned_phases_follow_the_profile_and_the_target() -> None:
    assert planned_phases(DEFAULT, readback=True) == [
        "probes",
        "valid bulk updates",
        "invalid bulk updates",
        "no id leaks across requests",
        "fuzz (positive)",
        "fuzz (negative)",
        "read-back",
        "replay",
    ]
    smoke = dataclasses.replace(PROFILES["smoke"], leak_sequences=0)
    assert planned_phases(smoke, readback=False) == [
        "probes",
        "valid bulk updates",
        "invalid bulk updates",
        "replay",
    ]


@pytest.mark.parametrize(
    ("begun", "undone"),
    [
        pytest.param(
            ["probes"],
            "cut short during probes; not run: valid bulk updates, replay",
            id="during-the-first-phase",
        ),
        pytest.param(
            ["probes", "valid bulk updates"],
            "cut short during valid bulk updates; not run: replay",
            id="during-a-later-phase",
        ),
        pytest.param(
            ["probes", "valid bulk updates", "replay"],
            "cut short during replay",
            id="during-the-replays",
        ),
        pytest.param([], "not run: probes, valid bulk updates, replay", id="at-preflight"),
    ],
)
def test_what_a_run_cut_short_left_undone(begun: list[str], undone: str) -> None:
    assert left_undone(["probes", "valid bulk updates", "replay"], begun) == undone


def test_the_report_names_the_budget_and_what_was_left_undone() -> None:
    deadline = Deadline(600.0, clock=FakeTime().clock)
    assert cut_short(deadline, ["probes", "replay"], ["probes"]) == (
        "the time budget of 600 s ran out: cut short during probes; not run: replay"
    )
