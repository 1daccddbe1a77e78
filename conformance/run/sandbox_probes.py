"""The sandbox probes: which incidents a credential may update, and how a batch is answered.

Writable, foreign and unknown ids, duplicates, the empty and bodiless requests the spec's
defects allow (S2, S5), and batches up to and over the cap (S8).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from conformance.checks import Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.client import PlannedRequest
from conformance.run.probe_requests import (
    LARGE_BATCH,
    Probe,
    SkippedProbe,
    probe_id,
    probe_item,
    probe_post,
)
from conformance.run.target import Target
from conformance.sandbox import Incident, expected_outcomes

__all__ = ["sandbox_probes"]


def sandbox_probes(target: Target, ns: uuid.UUID) -> Iterator[Probe | SkippedProbe]:
    sandbox, auth = target.sandbox, target.writer.authorization()

    def valid(name: str, clauses: tuple[str, ...], items: list[dict[str, Any]]) -> Probe:
        return Probe(
            name,
            clauses,
            probe_post({"items": items}, auth),
            Intent(auth="valid", body="valid", expected=expected_outcomes(sandbox, items)),
        )

    unknown = [probe_id(ns, 100 + n) for n in range(3)]
    writable, foreign = list(sandbox.writable[:3]), list(sandbox.foreign[:2])
    if writable:
        yield valid(
            "sandbox: writable with its workspace",
            ("C16", "C20"),
            [probe_item(i, i.workspace) for i in writable],
        )
        yield valid(
            "sandbox: writable without a workspace",
            ("C16", "C20"),
            [probe_item(i) for i in writable],
        )
        wrong = foreign[0].workspace if foreign else str(uuid.uuid5(ns, "workspace"))
        wrong_hint = [i for i in writable if i.workspace != wrong][:1]
        if wrong_hint:
            yield valid(
                "sandbox: wrong workspace hint", ("C19", "C20"), [probe_item(wrong_hint[0], wrong)]
            )
    else:
        yield SkippedProbe("sandbox: writable incidents", ("C20",), "sandbox.writable is empty")
    if foreign:
        yield valid(
            "sandbox: foreign incident",
            ("C19", "C20"),
            [probe_item(i, i.workspace) for i in foreign],
        )
        yield valid(
            "sandbox: foreign without a workspace", ("C19", "C20"), [probe_item(i) for i in foreign]
        )
        callers = [i.workspace for i in writable if i.workspace != foreign[0].workspace]
        if callers:
            # A server that checks the role on the named workspace, not the incident's own,
            # would let this through.
            yield valid(
                "sandbox: foreign named with the caller's workspace",
                ("C19", "C20"),
                [probe_item(foreign[0], callers[0])],
            )
    else:
        yield SkippedProbe("sandbox: foreign incidents", ("C20",), "sandbox.foreign is empty")
    yield valid("sandbox: unknown ids", ("C16", "C19", "C20"), [probe_item(i) for i in unknown])
    duplicated = [probe_item(unknown[0]), probe_item(unknown[0])]
    if writable:
        duplicated += [probe_item(writable[0]), probe_item(writable[0], writable[0].workspace)]
    yield valid("sandbox: duplicate ids", ("C16", "C17"), duplicated)
    for label, body, content in (
        ("empty items (S5)", {"items": []}, None),
        ("null items (S5)", {"items": None}, None),
        ("missing items (S5)", {}, None),
    ):
        yield Probe(
            f"sandbox: {label}",
            ("C16", "C18"),
            probe_post(body, auth, content=content),
            Intent(auth="valid", body="valid", expected={}),
        )
    yield Probe(
        "sandbox: no body at all (S2)",
        ("C1", "C5"),
        PlannedRequest("POST", BULK_UPDATE_PATH, {"Authorization": auth}, None),
        Intent(auth="valid", body="valid", expected={}),
    )
    cap = target.limits.max_items
    pool: list[Incident | str] = [*writable, *foreign, *unknown]
    pool += [probe_id(ns, 200 + n) for n in range(LARGE_BATCH)]
    size = LARGE_BATCH + 5 if cap is None else min(LARGE_BATCH + 5, cap)
    mixed = [probe_item(pool[n % len(pool)]) for n in range(size)]
    # With the cap unknown, a 400 for this batch is the server's right (S8): vouch for the
    # body only when the batch is known to fit.
    yield Probe(
        f"sandbox: a batch of {len(mixed)} mixed ids",
        ("C16", "C17", "C20"),
        probe_post({"items": mixed}, auth),
        Intent(
            auth="valid",
            body="valid" if cap is not None else "unknown",
            expected=expected_outcomes(sandbox, mixed),
        ),
    )
    if cap is None:
        yield SkippedProbe(
            "sandbox: batch above the cap", ("C16",), "limits.max_items is not set (S8)"
        )
    else:
        over = [probe_item(probe_id(ns, 1_000 + n)) for n in range(cap + 1)]
        yield valid(f"sandbox: batch of {cap + 1}, above the cap", ("C16", "C11"), over)
