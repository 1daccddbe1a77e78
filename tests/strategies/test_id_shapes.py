"""Odd reserved ids: every shape is reachable, and every one passes the write rule."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

from conformance.sandbox import Incident, Sandbox, is_reserved_id, unsafe_ids
from strategies import BulkUpdateExample, bulk_update_requests
from strategies.id_shapes import MAX_ID_LENGTH, odd_reserved_ids

SANDBOX = Sandbox(writable=(Incident("inc-w1", "ws-alpha"),), foreign=(Incident("inc-f1", "w"),))
PLAIN = re.compile(r"cfct-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
FIND = settings(
    max_examples=2000,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@settings(max_examples=200)
@given(odd_reserved_ids())
def test_odd_ids_are_reserved_and_pass_the_write_rule(incident_id: str) -> None:
    assert is_reserved_id(incident_id, SANDBOX.ids)
    assert len(incident_id) <= MAX_ID_LENGTH
    body = json.dumps({"items": [{"id": incident_id}]}, ensure_ascii=False).encode()
    assert not list(unsafe_ids(SANDBOX, body))


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda i: len(i) > 1024, id="overlong"),
        pytest.param(lambda i: len(i) in range(65, 100), id="just-over-64"),
        pytest.param(lambda i: not i.isascii(), id="non-ascii"),
        pytest.param(lambda i: i != i.strip() and not i.startswith("cfct-"), id="leading-blank"),
        pytest.param(lambda i: i != i.strip() and i.startswith("cfct-"), id="trailing-blank"),
        pytest.param(lambda i: "\x00" in i, id="nul"),
        pytest.param(lambda i: '"' in i or "'" in i, id="quote"),
    ],
)
def test_every_shape_is_reachable(shape: Callable[[str], bool]) -> None:
    find(odd_reserved_ids(), shape, settings=FIND)


def _is_odd(incident_id: str) -> bool:
    return incident_id not in SANDBOX.ids and not PLAIN.fullmatch(incident_id)


def test_bulk_requests_carry_odd_ids_and_say_so() -> None:
    found = find(
        bulk_update_requests(SANDBOX, max_items=3),
        lambda e: not e.vouched,
        settings=settings(FIND, phases=[Phase.generate, Phase.shrink]),
    )
    odd = [item["id"] for item in found.items if _is_odd(item["id"])]
    assert odd
    assert {found.expected[incident_id] for incident_id in odd} == {"forbidden"}


@settings(max_examples=150)
@given(bulk_update_requests(SANDBOX, max_items=5))
def test_only_bodies_without_odd_ids_are_vouched_for(example: BulkUpdateExample) -> None:
    assert example.vouched == (not any(_is_odd(item["id"]) for item in example.items))
