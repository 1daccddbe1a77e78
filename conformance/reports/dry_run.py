"""``--dry-run``: what a run would send, printed instead of sent.

The run layer hands over plain, already redacted data, so this module needs nothing from it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

__all__ = ["PlannedProbe", "RunPlan", "print_plan"]

BODY_PREVIEW = 300


@dataclass(frozen=True)
class PlannedProbe:
    name: str
    clauses: tuple[str, ...]
    method: str
    path: str
    headers: Mapping[str, str]
    """Already redacted."""
    body: str | None
    """Already redacted; ``None`` for a request without a body."""


@dataclass(frozen=True)
class RunPlan:
    base_url: str
    profile: str
    seed: int
    probes: Sequence[PlannedProbe]
    skipped: Sequence[tuple[str, str]]
    """(probe name, why it cannot be sent to this target)."""
    property_examples: int
    invalid_examples: int
    leak_sequences: int
    fuzz_examples: int
    write_budget: int


def print_plan(plan: RunPlan, out: TextIO) -> None:
    print(f"dry run: nothing is sent to {plan.base_url}", file=out)
    print(f"profile {plan.profile}, seed {plan.seed}", file=out)
    print(f"{len(plan.probes)} probes:", file=out)
    for probe in plan.probes:
        body = "(no body)" if probe.body is None else probe.body
        more = "..." if len(body) > BODY_PREVIEW else ""
        print(f"  - {probe.name} [{', '.join(probe.clauses)}]", file=out)
        print(f"    {probe.method} {probe.path} {json.dumps(dict(probe.headers))}", file=out)
        print(f"    {body[:BODY_PREVIEW]}{more}", file=out)
    for name, reason in plan.skipped:
        print(f"  - skipped: {name}: {reason}", file=out)
    print(
        f"then up to {plan.property_examples} valid and {plan.invalid_examples} "
        f"invalid generated requests, {plan.leak_sequences} multi-request sequences and "
        f"{plan.fuzz_examples} schemathesis examples per mode; write budget "
        f"{plan.write_budget} requests",
        file=out,
    )
