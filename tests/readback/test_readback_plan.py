"""The plan of a round: lanes own their incidents, comments are unique, refusals are mixed in."""

from __future__ import annotations

import random

import pytest

from conformance.business_rules import DOCUMENTED_REASONS
from conformance.readback.plan import (
    SHAPES,
    Lane,
    Round,
    ShapeDeck,
    Vocabulary,
    assigned_after,
    plan_round,
)
from conformance.sandbox import Incident, Sandbox, User

WRITABLE = tuple(Incident(f"INC-{n}", "ws-a", "Sentinel") for n in range(1, 9))
FOREIGN = (Incident("INC-91", "ws-b", "QRadar"), Incident("INC-92", "ws-b", "QRadar"))
SANDBOX = Sandbox(WRITABLE, FOREIGN, (User("u-1", "one@example.com"),))
VOCABULARY = Vocabulary(
    statuses=("Active", "New", "Closed"),
    classifications=tuple(DOCUMENTED_REASONS),
    reasons=tuple(sorted(set().union(*DOCUMENTED_REASONS.values()))),
)


def _round(seed: int, *, sandbox: Sandbox = SANDBOX) -> Round:
    return plan_round(
        random.Random(seed),
        sandbox,
        sandbox.writable,
        sandbox.foreign,
        VOCABULARY,
        lanes=4,
        token="t",
        deck=ShapeDeck(random.Random(seed)),
    )


@pytest.mark.parametrize("seed", range(20))
def test_lanes_own_disjoint_incidents_and_name_only_their_own(seed: int) -> None:
    plan = _round(seed)
    owned = [incident for lane in plan.lanes for incident in lane.incidents]
    assert len(owned) == len(set(owned))
    for lane in plan.lanes:
        named = {item["id"] for items in lane.writes for item in items}
        assert named == set(lane.incidents)
    assert set(plan.quiet) == {i.id for i in (*WRITABLE, *FOREIGN)} - set(owned)
    assert any(incident.startswith("INC-") for incident in plan.quiet if incident in SANDBOX.ids)


@pytest.mark.parametrize("seed", range(20))
def test_every_round_mixes_in_refusals_and_a_pair_of_writes(seed: int) -> None:
    plan = _round(seed)
    refused = [
        item
        for lane in plan.lanes
        for items in lane.writes
        for item in items
        if item["id"] in {i.id for i in FOREIGN} or item.get("workspace") == "ws-b"
    ]
    assert refused
    assert any(len(lane.writes) == 2 for lane in plan.lanes)


def test_comments_are_unique_within_a_round() -> None:
    plan = _round(3)
    comments = [
        item["comment"]
        for lane in plan.lanes
        for items in lane.writes
        for item in items
        if "comment" in item
    ]
    assert comments
    assert len(comments) == len(set(comments))
    assert all(comment.startswith("cf-conformance read-back t-") for comment in comments)


def test_the_same_seed_plans_the_same_round() -> None:
    assert _round(11) == _round(11)


def test_a_sandbox_of_one_incident_writes_it_and_judges_no_refusal() -> None:
    sandbox = Sandbox((WRITABLE[0],))
    plan = _round(1, sandbox=sandbox)
    assert [lane.incidents for lane in plan.lanes] == [("INC-1",)]
    assert plan.quiet == ()


@pytest.mark.parametrize("seed", range(5))
def test_the_deck_deals_every_kind_of_write_before_it_repeats_one(seed: int) -> None:
    deck = ShapeDeck(random.Random(seed))
    first = [deck.deal(assigned=True) for _ in SHAPES]
    assert sorted(first) == sorted(SHAPES)
    assert deck.deal(assigned=True) in SHAPES


def test_the_deck_removes_an_assignee_only_where_there_is_one() -> None:
    deck = ShapeDeck(random.Random(3))
    dealt = [deck.deal(assigned=False) for _ in range(len(SHAPES) * 3)]
    assert not {"unassign", "both"} & set(dealt)
    # The removals wait in the deck: an incident with an assignee gets them next.
    later = [deck.deal(assigned=True) for _ in range(len(SHAPES))]
    assert {"unassign", "both"} <= set(later)


def test_a_round_sends_unassigning_writes_only_to_assigned_incidents() -> None:
    assigned = frozenset({"INC-1", "INC-2", "INC-3"})
    for seed in range(20):
        plan = plan_round(
            random.Random(seed),
            SANDBOX,
            SANDBOX.writable,
            SANDBOX.foreign,
            VOCABULARY,
            lanes=4,
            token="t",
            deck=ShapeDeck(random.Random(seed)),
            assigned=assigned,
        )
        for lane in plan.lanes:
            for items in lane.writes:
                for item in items:
                    if item.get("removeAssignee") and "user" not in item:
                        assert item["id"] in assigned


def _one_write(*items: dict[str, object]) -> Round:
    ids = tuple(dict.fromkeys(str(item["id"]) for item in items))
    return Round((Lane(((*items,),), ids),), ())


@pytest.mark.parametrize(
    ("items", "before", "after"),
    [
        pytest.param(({"id": "INC-1", "user": {"id": "u-1"}},), set(), {"INC-1"}, id="given"),
        pytest.param(({"id": "INC-1", "removeAssignee": True},), {"INC-1"}, set(), id="taken-away"),
        pytest.param(
            ({"id": "INC-1", "user": {"id": "u-1"}, "removeAssignee": True},),
            set(),
            set(),
            id="both-may-end-either-way",
        ),
        pytest.param(
            ({"id": "INC-1", "user": {"id": "u-9"}},), set(), set(), id="not-a-sandbox-user"
        ),
        pytest.param(
            ({"id": "INC-1", "workspace": "ws-b", "user": {"id": "u-1"}},),
            set(),
            set(),
            id="refused-for-its-hint",
        ),
        pytest.param(({"id": "INC-91", "user": {"id": "u-1"}},), set(), set(), id="foreign"),
        pytest.param(
            ({"id": "INC-1", "user": {"id": "u-1"}}, {"id": "INC-1", "status": "New"}),
            set(),
            set(),
            id="named-twice",
        ),
    ],
)
def test_what_the_writes_alone_tell_about_assignees(
    items: tuple[dict[str, object], ...], before: set[str], after: set[str]
) -> None:
    plan = _one_write(*items)
    assert assigned_after(plan, SANDBOX, frozenset(before)) == after
