"""The run's time budget: a wall-clock deadline that every request of the run respects.

A target that stalls must not keep a run from its verdict: a CI job killed at its own time
limit writes no report at all. So each run has a budget (``limits.max_run_seconds``,
``--max-run-seconds``, else the profile's ``max_run_seconds``), counted from the start of the
run, preflight included.

The deadline lives in the run's ``TargetClient``, the one place every phase sends through,
so it covers the probes, the generated phases and their shrinking, fuzzing and the replays,
and any phase added later without a line of its own:

- once the deadline has passed, the client sends nothing more and raises ``OutOfTime``,
  which the phases pass on as they pass on a spent write budget;
- a request in flight waits at most until the deadline (its timeout is cut to the time
  left), and one cut that way is not a request the target left unanswered;
- a phase that waits for something other than an answer (a read-back that waits for an
  update to show) asks ``time_left()`` how long it may still wait.

When the budget runs out, the run judges what it has, writes every report, says which
phases were cut or not run (``left_undone``), and exits ``ExitCode.CUT_SHORT`` (4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from conformance.run.deadline import Deadline, OutOfTime
from conformance.run.preconditions import UsageError
from conformance.run.profiles import Profile

__all__ = [
    "MIN_RUN_SECONDS",
    "Deadline",
    "OutOfTime",
    "cut_short",
    "left_undone",
    "planned_phases",
    "run_seconds",
]

MIN_RUN_SECONDS = 1.0
"""The smallest budget a run may have (``limits.max_run_seconds`` has the same floor)."""


def run_seconds(option: float | None, limits: float | None, profile: Profile) -> float:
    """The run's budget: ``--max-run-seconds``, else ``limits.max_run_seconds``, else the
    profile's (``UsageError``, exit 2, for an option out of range)."""
    if option is not None and not (math.isfinite(option) and option >= MIN_RUN_SECONDS):
        raise UsageError(
            f"--max-run-seconds must be a number of seconds >= {MIN_RUN_SECONDS:g}, got "
            f"{option:g} (e.g. --max-run-seconds 600)"
        )
    if option is not None:
        return option
    return limits if limits is not None else profile.max_run_seconds


def cut_short(deadline: Deadline, planned: Sequence[str], begun: Sequence[str]) -> str:
    """The report's ``cut_short``: the budget, and what the run left undone."""
    return f"the time budget of {deadline.seconds:g} s ran out: {left_undone(planned, begun)}"


def planned_phases(profile: Profile, *, readback: bool) -> list[str]:
    """The phases a run of ``profile`` goes through, by the names they report progress under;
    ``readback``: the target file configures the read-back (C21)."""
    phases = ["probes"]
    for name, examples in (
        ("valid bulk updates", profile.property_examples),
        ("invalid bulk updates", profile.invalid_examples),
        ("no id leaks across requests", profile.leak_sequences),
    ):
        if examples > 0:
            phases.append(name)
    if profile.fuzz_examples > 0:
        phases += ["fuzz (positive)", "fuzz (negative)"]
    if readback:
        phases.append("read-back")
    return [*phases, "replay"]


def left_undone(planned: Sequence[str], begun: Sequence[str]) -> str:
    """What a run cut short did not do: the phase it was in, and those it never began."""
    cut = begun[-1] if begun else ""
    not_run = [phase for phase in planned if phase not in begun]
    parts = []
    if cut:
        parts.append(f"cut short during {cut}")
    if not_run:
        parts.append(f"not run: {', '.join(not_run)}")
    return "; ".join(parts) or "nothing"
