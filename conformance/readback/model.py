"""What a sandbox incident should read back as once a round of writes has settled (C21).

Pure data and functions: the read-back phase builds a ``Snapshot`` from each answer it reads,
and ``expect`` folds the writes of one round into an ``Expectation`` of the incident, starting
from what it read once settled. Values are kept as sent and as read, for the findings, and
compared in one normalised form (``normal``), so that the leeway of the contract (emails in any
case, trimmed echoes) is taken once, here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from conformance.readback.items import FREE, KEEP, KEEP_OR_CLEAR, Marker, sent_value

__all__ = [
    "FIELDS",
    "CommentDemand",
    "Demand",
    "Expectation",
    "Rules",
    "SentWrite",
    "Snapshot",
    "Value",
    "expect",
    "normal",
    "normal_comment",
]

FIELDS = ("status", "classification", "classificationReason", "assignee")
Value = str | None
WriteOutcome = Literal["accepted", "forbidden"] | None
"""How the answer treated an id: accepted, forbidden, or ``None`` (not decided: rejected
as a whole, answered in both lists or in neither). An undecided write is not judged."""


def normal(value: object) -> Value:
    """The form values are compared in: trimmed and caseless, as ids are (C16); not a string:
    ``None`` for null, else its text."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text.strip()).casefold())


@dataclass(frozen=True)
class Snapshot:
    """One read of an incident: the configured fields, as read, and its comments."""

    fields: Mapping[str, Value]
    comments: frozenset[str] | None = None
    """The comment messages, normalised; ``None`` where comments are not configured."""


@dataclass(frozen=True)
class SentWrite:
    """One bulk update of a round, as sent and answered.

    ``index`` numbers the round's writes in the order they were sent; a later write to an
    incident was sent after the earlier one was answered.
    """

    index: int
    items: tuple[Mapping[str, Any], ...]
    outcomes: Mapping[str, WriteOutcome]

    def items_for(self, incident_id: str) -> tuple[Mapping[str, Any], ...]:
        return tuple(item for item in self.items if item.get("id") == incident_id)


@dataclass(frozen=True)
class Rules:
    """What the model needs to know of the target.

    ``users`` maps the id of each sandbox user to the value the assignee field reads for it
    (its id, or its email when the field reads emails). ``relaxed`` holds the
    relaxed read-back clauses (C21b, C21e).
    """

    fields: Collection[str]
    users: Mapping[str, Value] = field(default_factory=dict)
    relaxed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Demand:
    """What one field may read as: any of ``allowed``; otherwise ``clause`` is broken.

    ``write`` is the index of the write the demand comes from (``None``: no write named the
    incident). ``superseded`` holds the values of an earlier write a later one replaced: a
    read showing one of them breaks C21e rather than C21a.
    """

    allowed: frozenset[Value]
    clause: str
    write: int | None = None
    superseded: frozenset[Value] = frozenset()

    def met_by(self, value: Value) -> bool:
        return normal(value) in {normal(allowed) for allowed in self.allowed}

    def replaced_by_older(self, value: Value) -> bool:
        """Does ``value`` come from an earlier write that this one replaced (C21e)?"""
        return normal(value) in {normal(old) for old in self.superseded}


@dataclass(frozen=True)
class CommentDemand:
    """A comment that must appear (one of ``any_of``) or must not (``present`` false)."""

    any_of: frozenset[str]
    present: bool
    clause: str
    write: int | None

    def met_by(self, comments: frozenset[str]) -> bool:
        return bool(self.any_of & comments) == self.present


@dataclass(frozen=True)
class Expectation:
    incident: str
    fields: Mapping[str, Demand]
    comments: tuple[CommentDemand, ...] = ()

    def met_by(self, snapshot: Snapshot) -> bool:
        return not self.unmet(snapshot)

    def unmet(self, snapshot: Snapshot) -> list[tuple[str, Demand | CommentDemand]]:
        """The demands ``snapshot`` breaks, by field name (``comments`` for comments)."""
        broken: list[tuple[str, Demand | CommentDemand]] = [
            (name, demand)
            for name, demand in self.fields.items()
            if not demand.met_by(snapshot.fields.get(name))
        ]
        if snapshot.comments is not None:
            broken += [
                ("comments", demand)
                for demand in self.comments
                if not demand.met_by(snapshot.comments)
            ]
        return broken


def expect(
    incident_id: str,
    settled: Snapshot,
    writes: Sequence[SentWrite],
    rules: Rules,
    *,
    other_comments: Iterable[str] = (),
) -> Expectation | None:
    """What ``incident_id`` should read back as once ``writes`` (in send order) are applied.

    ``settled`` is what it read before them. ``other_comments`` are the comments the round sent
    to other incidents: none of them may show here (C21d). ``None``: the incident cannot be
    judged this round (an answer that did not decide its outcome).
    """
    demands: dict[str, Demand | None] = {
        name: Demand(frozenset({settled.fields.get(name)}), "C21d")
        for name in FIELDS
        if name in rules.fields
    }
    comments: list[CommentDemand] = []
    for write in writes:
        items = write.items_for(incident_id)
        if not items:
            continue
        outcome = write.outcomes.get(incident_id)
        if outcome is None:
            return None
        if outcome == "forbidden":
            demands = {name: _untouched(d, write.index) for name, d in demands.items()}
            texts = _comments(items)
            if texts:
                comments.append(CommentDemand(texts, False, "C21c", write.index))
            continue
        for name in demands:
            demands[name] = _applied(name, demands[name], items, write.index, rules)
        # An id named twice may end with any one item's values (C21a): a comment is owed
        # only when every item naming it carries one, and then any one of them will do.
        texts = _comments(items)
        if texts and all(_comments([item]) for item in items):
            comments.append(CommentDemand(texts, True, "C21a", write.index))
    others = frozenset(normal_comment(text) for text in other_comments) - _sent_here(
        incident_id, writes
    )
    if others:
        comments.append(CommentDemand(others, False, "C21d", None))
    if settled.comments is not None:
        comments = _new_comments_only(comments, settled.comments)
    judged = {
        name: _unambiguous(_relax(demand, rules.relaxed), settled.fields.get(name))
        for name, demand in demands.items()
        if demand is not None and demand.clause not in rules.relaxed
    }
    return Expectation(incident_id, judged, tuple(comments))


def normal_comment(text: str) -> str:
    """Comments compare trimmed, with Unicode normalised; case is kept (it is free text)."""
    return unicodedata.normalize("NFC", text.strip())


def _comments(items: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    return frozenset(
        normal_comment(item["comment"])
        for item in items
        if isinstance(item.get("comment"), str) and item["comment"].strip()
    )


def _sent_here(incident_id: str, writes: Sequence[SentWrite]) -> frozenset[str]:
    return frozenset().union(*(_comments(write.items_for(incident_id)) for write in writes))


def _new_comments_only(demands: list[CommentDemand], before: frozenset[str]) -> list[CommentDemand]:
    """A comment the incident had before the round is evidence of nothing: it neither shows a
    write applied nor one that should not have been (a run with the same seed sends the same
    texts again)."""
    kept = []
    for demand in demands:
        fresh = demand.any_of - before
        if fresh:
            kept.append(replace(demand, any_of=fresh))
    return kept


def _untouched(demand: Demand | None, index: int) -> Demand | None:
    """A forbidden write: the field keeps what it had; a change is C21c's."""
    if demand is None or demand.clause != "C21d":
        return demand  # an earlier accepted write's demand still holds
    return replace(demand, clause="C21c", write=index)


def _applied(
    name: str,
    prior: Demand | None,
    items: Sequence[Mapping[str, Any]],
    index: int,
    rules: Rules,
) -> Demand | None:
    """An accepted write: what ``name`` may read as after it (``None``: not judged)."""
    values: set[Value] = set()
    keeps = clears = False
    for item in items:
        sent = sent_value(name, item, rules)
        if sent is FREE:
            return None
        if sent is KEEP:
            keeps = True
        elif sent is KEEP_OR_CLEAR:
            keeps = clears = True
        else:
            assert not isinstance(sent, Marker)
            values.update(sent)
    if prior is None:
        # Nothing known of the field any more: only a value every item sets is judged.
        return Demand(frozenset(values), "C21a", index) if values and not keeps else None
    allowed = set(values)
    if keeps:
        allowed |= prior.allowed
    if clears:
        allowed.add(None)
    if not values:
        clause = "C21b" if prior.clause in ("C21c", "C21d") else prior.clause
        return Demand(frozenset(allowed), clause, index if clause == "C21b" else prior.write)
    superseded: frozenset[Value] = frozenset()
    if prior.clause == "C21a" and prior.write is not None:
        superseded = prior.allowed - allowed
    return Demand(frozenset(allowed), "C21a", index, superseded)


def _unambiguous(demand: Demand, before: Value) -> Demand:
    """The value the field had before the round is no evidence of order: it may show that the
    earlier write won (C21e) as well as that neither was applied (C21a), so it stays C21a's."""
    kept = frozenset(old for old in demand.superseded if normal(old) != normal(before))
    return demand if kept == demand.superseded else replace(demand, superseded=kept)


def _relax(demand: Demand, relaxed: frozenset[str]) -> Demand:
    if demand.superseded and "C21e" in relaxed:
        return replace(demand, allowed=demand.allowed | demand.superseded, superseded=frozenset())
    return demand
