"""Run profiles: how much each phase does. ``smoke`` and ``default`` are sized for a time box
against the reference API; ``nightly`` and ``release`` go deeper and can be resized from the
target file (``[profiles.nightly]``) or with ``--max-examples``.

Each profile also has a wall-clock budget (``max_run_seconds``, see ``conformance.run.budget``)
that keeps a run against a stalling target inside the CI job that runs it: ``nightly`` within
the nightly workflow's 60 minutes less its set-up (checkout, install, the drift check, the
caches), ``release`` within the pre-release workflow's 90.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["PROFILES", "Profile", "resize_profile"]


@dataclass(frozen=True)
class Profile:
    name: str
    property_examples: int
    """Generated valid bulk requests (every check runs on each answer)."""
    invalid_examples: int
    """Generated schema-violating requests (C11, C9, C15)."""
    leak_sequences: int
    """Multi-request sequences for the cross-request leak property (C17)."""
    fuzz_examples: int
    """Schemathesis examples per mode (positive and negative); 0 skips the fuzzing phase."""
    max_write_requests: int
    """Default write budget; ``limits.max_write_requests`` in the target file overrides it."""
    max_run_seconds: float
    """Default time budget; ``limits.max_run_seconds`` or ``--max-run-seconds`` overrides it."""


PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile("smoke", 15, 10, 2, 0, max_write_requests=200, max_run_seconds=120),
        Profile("default", 150, 100, 10, 100, max_write_requests=1_500, max_run_seconds=600),
        Profile("nightly", 1_000, 500, 50, 500, max_write_requests=10_000, max_run_seconds=2_700),
        Profile(
            "release", 3_000, 1_500, 150, 1_500, max_write_requests=30_000, max_run_seconds=4_500
        ),
    )
}

SIZE_FIELDS = ("property_examples", "invalid_examples", "leak_sequences", "fuzz_examples")


def resize_profile(
    profile: Profile, overrides: Mapping[str, Any], *, max_examples: int | None = None
) -> Profile:
    """``profile`` with sizes from the target file and ``--max-examples`` applied.

    ``--max-examples`` caps every generated phase, which keeps a quick local run quick.
    """
    resized = dataclasses.replace(profile, **dict(overrides))
    if max_examples is None:
        return resized
    return dataclasses.replace(
        resized, **{name: min(getattr(resized, name), max_examples) for name in SIZE_FIELDS}
    )
