"""The property-based phases: valid requests, invalid ones, and leak sequences.

Each is a property over one of the strategies, run by ``run_property``
(``conformance.run.property_runs``): Hypothesis drives the requests, every check judges
every answer, and a failure is shrunk before it is reported.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

import strategies
from conformance.checks import BodyIntent, Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.client import PlannedRequest
from conformance.run.phases import PhaseContext
from conformance.run.profiles import Profile
from conformance.run.property_runs import PhaseAborted, Planned, run_property
from conformance.sandbox import Sandbox

__all__ = ["PhaseAborted", "run_properties", "run_property"]

UNKNOWN_CAP_BATCH = 20
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def run_properties(context: PhaseContext, profile: Profile) -> None:
    """The three generated phases: valid requests, invalid ones, and leak sequences."""
    target = context.client.target
    sandbox, auth = target.sandbox, target.writer.authorization()
    # Generated batches stay within the server's cap, so a 400 for one is a finding; with
    # the cap unknown (S8) they stay small enough for any plausible cap.
    max_items = min(target.limits.max_items or UNKNOWN_CAP_BATCH, 100)

    def post(body: Any) -> PlannedRequest:
        # Bytes are a body already written out: text that is not strict JSON.
        content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        return PlannedRequest(
            "POST", BULK_UPDATE_PATH, {**JSON_HEADERS, "Authorization": auth}, content
        )

    def valid(example: strategies.BulkUpdateExample) -> Planned:
        body: BodyIntent = "valid" if example.vouched else "unknown"
        return [(post(example.body), Intent(auth="valid", body=body, expected=example.expected))]

    def invalid(labelled: tuple[Any, strategies.Violation]) -> Planned:
        body, violation = labelled
        return [(post(body), Intent(auth="valid", body="invalid", violation_path=violation.path))]

    def sequence(examples: list[strategies.BulkUpdateExample]) -> Planned:
        return [plan for example in examples for plan in valid(example)]

    requests = strategies.bulk_update_requests(sandbox, max_items=max_items)
    run_property(
        context, "valid bulk updates", requests, valid, max_examples=profile.property_examples
    )
    run_property(
        context,
        "invalid bulk updates",
        _invalid_bodies(sandbox, max_items=min(max_items, 10)),
        invalid,
        max_examples=profile.invalid_examples,
    )
    small = strategies.bulk_update_requests(sandbox, max_items=10)
    run_property(
        context,
        "no id leaks across requests",
        st.lists(small, min_size=2, max_size=4),
        sequence,
        max_examples=profile.leak_sequences,
    )


def _invalid_bodies(sandbox: Sandbox, *, max_items: int) -> st.SearchStrategy[Any]:
    """Schema violations, and one draw in five a valid body that is not strict JSON."""
    walker = strategies.invalid_bulk_update_requests(sandbox, max_items=max_items)
    lenient = strategies.not_strict_json_bulk_requests(sandbox, max_items=max_items)
    return st.integers(0, 4).flatmap(lambda n: lenient if n == 0 else walker)
