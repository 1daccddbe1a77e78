"""The writes of the read-back phase, drawn from the run's seed: which incidents each round
writes, with what, and which it leaves alone.

A round has lanes; each lane owns its incidents for the round, so a verdict never depends on
another lane's requests. A lane sends one write, or two to one incident (the second sent once
the first is answered, for C21e). One lane per round mixes a writable witness with foreign
incidents and a wrong workspace hint (C21c); the incidents no lane names are read after every
lane has settled (C21d). Pure: ``random.Random`` only.

The kinds of write (``SHAPES``) are dealt from a deck that lasts the whole phase, so a short
phase still sends every kind once before it repeats one; removing an assignee is sent only to
an incident an earlier round assigned (``assigned_after``), where a lost removal shows. Both
follow from the seed alone, never from what the target answered, so a seed sends the same
writes again.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from conformance.business_rules import DOCUMENTED_REASONS
from conformance.sandbox import Incident, Sandbox

__all__ = ["SHAPES", "Lane", "Round", "ShapeDeck", "Vocabulary", "assigned_after", "plan_round"]

Item = dict[str, Any]

SHAPES = ("full", "status", "pair", "mismatched", "assign", "unassign", "both", "nulls", "note")
"""The kinds of write a lane may send to one incident (``full`` sets every field)."""
UNASSIGNING = frozenset({"unassign", "both"})


class ShapeDeck:
    """The kinds of write, dealt in a shuffled order; every kind once before any repeats."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._left: list[str] = []

    def deal(self, *, assigned: bool) -> str:
        """The next kind. A removal of the assignee goes only where there is one to remove,
        and goes there first: few incidents of a short phase have an assignee."""
        if not self._left:
            self._left = list(SHAPES)
            self._rng.shuffle(self._left)
        removals = [i for i, shape in enumerate(self._left) if shape in UNASSIGNING]
        others = [i for i, shape in enumerate(self._left) if shape not in UNASSIGNING]
        if assigned:
            return self._left.pop((removals or others)[0])
        if others:
            return self._left.pop(others[0])
        return "assign"  # only removals are left: assign now, so a later round can remove


@dataclass(frozen=True)
class Vocabulary:
    """The values a write may set: the spec's enum members."""

    statuses: tuple[str, ...]
    classifications: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Lane:
    writes: tuple[tuple[Item, ...], ...]
    """The items of each write, in the order they are sent."""
    incidents: tuple[str, ...]
    """The incidents the lane owns: every id its writes name."""


@dataclass(frozen=True)
class Round:
    lanes: tuple[Lane, ...]
    quiet: tuple[str, ...]
    """Incidents no write of the round names (C21d)."""


def plan_round(
    rng: random.Random,
    sandbox: Sandbox,
    writable: Sequence[Incident],
    foreign: Sequence[Incident],
    vocabulary: Vocabulary,
    *,
    lanes: int,
    token: str,
    deck: ShapeDeck,
    assigned: frozenset[str] = frozenset(),
) -> Round:
    """One round over the ``writable`` and ``foreign`` incidents still in play.

    ``token`` makes every comment of the run unique, so a comment that shows on the wrong
    incident is told apart from one written there. ``deck`` deals the kinds of write across
    rounds; ``assigned`` names the incidents earlier rounds gave an assignee.
    """
    pool = list(writable)
    rng.shuffle(pool)
    if len(pool) > 1:
        pool.pop()  # stays out of every lane, so each round judges an unnamed incident
    draw = _Drawer(rng, sandbox, vocabulary, token, deck=deck, assigned=assigned)
    planned: list[Lane] = []
    if pool and (foreign or len(sandbox.workspaces) > 1):
        planned.append(draw.forbidden_lane(pool.pop(), pool, foreign))
    if pool:
        planned.append(draw.pair_lane(pool.pop()))
    # Incidents with an assignee go to the lanes below first: a removal shows only on them.
    pool.sort(key=lambda incident: incident.id in assigned)
    while pool and len(planned) < lanes:
        size = min(len(pool), rng.choice((1, 1, 2)))
        planned.append(draw.lane([pool.pop() for _ in range(size)]))
    named = {incident for lane in planned for incident in lane.incidents}
    quiet = [i.id for i in (*writable, *foreign) if i.id not in named]
    return Round(tuple(planned), tuple(quiet))


class _Drawer:
    def __init__(
        self,
        rng: random.Random,
        sandbox: Sandbox,
        vocabulary: Vocabulary,
        token: str,
        *,
        deck: ShapeDeck,
        assigned: frozenset[str],
    ) -> None:
        self.rng, self.sandbox, self.vocabulary, self.token = rng, sandbox, vocabulary, token
        self.deck, self.assigned = deck, assigned
        self.comments = 0

    def lane(self, incidents: list[Incident]) -> Lane:
        items: list[Item] = []
        for incident in incidents:
            items.append(self.item(incident))
            if self.rng.random() < 0.2:
                items.append(self.item(incident))  # the same id twice in one request
        return Lane(((*items,),), tuple(i.id for i in incidents))

    def pair_lane(self, incident: Incident) -> Lane:
        first = self.item(incident, full=True)
        second = self.item(incident, full=True)
        for name, members in (
            ("status", self.vocabulary.statuses),
            ("classification", self.vocabulary.classifications),
        ):
            others = [m for m in members if m != first.get(name)]
            if others:
                second[name] = self.rng.choice(others)
        self._match_reason(second)
        return Lane(((first,), (second,)), (incident.id,))

    def forbidden_lane(
        self, witness: Incident, pool: list[Incident], foreign: Sequence[Incident]
    ) -> Lane:
        items = [self.item(witness, full=True)]
        owned = [witness.id]
        workspaces = self.sandbox.workspaces
        if pool and len(workspaces) > 1:
            hinted = pool.pop()
            wrong = self.rng.choice([w for w in workspaces if w != hinted.workspace])
            items.append({**self.item(hinted, full=True), "workspace": wrong})
            owned.append(hinted.id)
        for incident in self.rng.sample(list(foreign), k=min(2, len(foreign))):
            items.append(self.item(incident, full=True))
            owned.append(incident.id)
        self.rng.shuffle(items)
        return Lane(((*items,),), tuple(owned))

    def item(self, incident: Incident, *, full: bool = False) -> Item:
        rng, vocabulary = self.rng, self.vocabulary
        item: Item = {"id": incident.id}
        if rng.random() < 0.5:
            item["workspace"] = incident.workspace
        shape = "full" if full else self.deck.deal(assigned=incident.id in self.assigned)
        if shape in ("full", "status", "nulls"):
            item["status"] = rng.choice(vocabulary.statuses)
        if shape in ("full", "pair"):
            item["classification"] = rng.choice(vocabulary.classifications)
            self._match_reason(item)
        if shape == "mismatched":
            item["classification"] = rng.choice(vocabulary.classifications)
            wrong = [r for r in vocabulary.reasons if r not in _reasons(item["classification"])]
            if wrong:
                item["classificationReason"] = rng.choice(wrong)
        if shape == "nulls":
            item[rng.choice(("classification", "classificationReason"))] = None
        users = self.sandbox.users
        if users and shape in ("full", "assign", "both"):
            item["user"] = rng.choice(users).as_user_summary()
        if shape in ("unassign", "both"):
            item["removeAssignee"] = True
        if shape in ("full", "note") or rng.random() < 0.3:
            self.comments += 1
            item["comment"] = f"cf-conformance read-back {self.token}-{self.comments}"
        return item

    def _match_reason(self, item: Item) -> None:
        reasons = sorted(_reasons(item.get("classification")) & set(self.vocabulary.reasons))
        if reasons:
            item["classificationReason"] = self.rng.choice(reasons)


def assigned_after(plan: Round, sandbox: Sandbox, before: frozenset[str]) -> frozenset[str]:
    """The incidents with an assignee once ``plan``'s writes are applied, as far as the writes
    alone tell: a sandbox user given, not taken away in the same item, to a writable incident
    named with its own workspace or none. An id named twice in one write may end either way
    (C21a), so it counts as not assigned."""
    assigned = set(before)
    users = {user.id for user in sandbox.users}
    for lane in plan.lanes:
        for items in lane.writes:
            named = [item["id"] for item in items]
            for item in items:
                incident = sandbox.incident(item["id"])
                if incident is None or not sandbox.is_writable(incident.id):
                    continue
                if item.get("workspace") not in (None, incident.workspace):
                    continue
                user = item.get("user")
                given = isinstance(user, dict) and user.get("id") in users
                if given and not item.get("removeAssignee") and named.count(incident.id) == 1:
                    assigned.add(incident.id)
                elif given or item.get("removeAssignee") or named.count(incident.id) > 1:
                    assigned.discard(incident.id)
    return frozenset(assigned)


def _reasons(classification: object) -> frozenset[str]:
    return DOCUMENTED_REASONS.get(str(classification), frozenset())
