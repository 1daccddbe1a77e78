"""Sandbox-aware bulk-update requests: the spec-derived item with meaningful ids and hints.

Everything in an item except ``id`` and ``workspace`` comes from the spec's
UpdateIncidentRequest schema. On top of it this layer chooses writable, foreign and unknown
incidents, repeats some, sends right, wrong, null or no workspace hints, and mixes in
documented and mismatched classification/reason pairs and long or non-ASCII comments.

Every id is a sandbox incident or a reserved ``cfct-<uuid4>`` id whose bits Hypothesis draws,
so examples shrink and replay; the write rule (``conformance.sandbox``) holds them to that
where requests are sent.

Generation speed bounds the suite's throughput, so an item is drawn with as few Hypothesis
choices as its variety allows: nothing is drawn that the item might not use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from hypothesis import strategies as st

from conformance.openapi import BULK_UPDATE_PATH, corrected_document
from conformance.sandbox import Outcome, Sandbox, expected_outcomes, reserved_id
from strategies.classification import CLASSIFICATION_FIELD, REASON_FIELD, ClassificationPairs
from strategies.generate import invalid_examples, schema_node
from strategies.id_shapes import odd_reserved_ids
from strategies.json_values import texts
from strategies.lenient_text import not_strict_json
from strategies.schema_nodes import (
    ArrayNode,
    Node,
    ObjectNode,
    UnionNode,
    accepted_types,
    enum_members,
)
from strategies.valid import valid_values
from strategies.violations import Violation

__all__ = [
    "DEFAULT_MAX_ITEMS",
    "BulkUpdateExample",
    "bulk_update_requests",
    "bulk_update_schema",
    "invalid_bulk_update_requests",
    "item_enum_fields",
    "not_strict_json_bulk_requests",
]

DEFAULT_MAX_ITEMS = 20
ODD_ONE_IN = 8  # how rarely an unknown id has an odd shape
HintMode = Literal["absent", "right", "null", "wrong"]
_HINT_MODES: tuple[HintMode, ...] = ("absent", "right", "null", "wrong")
_KEEP = object()  # leave the spec-derived value as it is


@dataclass(frozen=True)
class BulkUpdateExample:
    """A request body and the outcome C20 expects per id (None: either outcome is fine).

    ``vouched`` is False when the body carries an odd reserved id (``strategies.id_shapes``):
    such a body is schema-valid, but a server may refuse the id with a 400.
    """

    body: dict[str, Any]
    expected: dict[str, Outcome | None]
    vouched: bool = True

    @property
    def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.body["items"]
        return items


@dataclass(frozen=True)
class _Pick:
    incident_id: str
    workspace: str | None  # the incident's own workspace; None for an unknown id
    odd: bool = False  # an odd reserved id: the server may refuse it with a 400


@dataclass(frozen=True)
class _Repeat:
    """The id of an earlier item (a duplicate); a reserved id when there is none yet."""

    index: int


@dataclass(frozen=True)
class _Hint:
    mode: HintMode
    other: str | None = None  # a wrong hint's workspace, unless it is the incident's own


@dataclass(frozen=True)
class _Slot:
    target: _Pick | _Repeat
    hint: _Hint
    spec_fields: dict[str, Any]
    pair: Any
    comment: Any


@dataclass(frozen=True)
class _SlotStrategies:
    """What one item is drawn from: built once per request strategy, not per item."""

    targets: st.SearchStrategy[_Pick | _Repeat]
    hint_modes: st.SearchStrategy[HintMode]
    other_workspaces: st.SearchStrategy[str]
    pairs: st.SearchStrategy[Any]
    comments: st.SearchStrategy[Any]
    # By (pair overridden, comment overridden): the fields an override replaces are not drawn.
    spec_fields: Mapping[tuple[bool, bool], st.SearchStrategy[dict[str, Any]]]


def bulk_update_schema(root: Mapping[str, Any]) -> Mapping[str, Any]:
    """The bulk operation's JSON request body schema in ``root``."""
    operation = root["paths"][BULK_UPDATE_PATH]["post"]
    schema: Mapping[str, Any] = operation["requestBody"]["content"]["application/json"]["schema"]
    return schema


def bulk_update_requests(
    sandbox: Sandbox,
    *,
    max_items: int = DEFAULT_MAX_ITEMS,
    root: Mapping[str, Any] | None = None,
) -> st.SearchStrategy[BulkUpdateExample]:
    """Valid bulk requests of 0..``max_items`` items with their expected outcomes."""
    document = corrected_document() if root is None else root
    item = _item_node(schema_node(bulk_update_schema(document), root=document))
    parts = _SlotStrategies(
        targets=st.one_of(_picks(sandbox), st.integers(0, max_items).map(_Repeat)),
        hint_modes=st.sampled_from(_HINT_MODES),
        other_workspaces=_other_workspaces(sandbox),
        pairs=_pair_overrides(item),
        comments=_comment_overrides(item),
        spec_fields=_spec_fields(item),
    )
    return st.lists(_slots(parts), max_size=max_items).map(partial(_example, sandbox))


def invalid_bulk_update_requests(
    sandbox: Sandbox,
    *,
    max_items: int = DEFAULT_MAX_ITEMS,
    root: Mapping[str, Any] | None = None,
) -> st.SearchStrategy[tuple[Any, Violation]]:
    """Request bodies breaking one rule of the request schema, labelled (expect a 400).

    Any string id the walker drew is swapped for a sandbox or reserved one: should the server
    wrongly accept the body, nothing outside the sandbox is written.
    """
    document = corrected_document() if root is None else root
    labelled = invalid_examples(
        bulk_update_schema(document), root=document, max_list_size=max_items
    )
    return _safe_invalid(labelled, _picks(sandbox))


def not_strict_json_bulk_requests(
    sandbox: Sandbox, *, max_items: int = DEFAULT_MAX_ITEMS, root: Mapping[str, Any] | None = None
) -> st.SearchStrategy[tuple[bytes, Violation]]:
    """Valid bulk bodies written as a lenient parser reads them, labelled (expect a 400, C11)."""
    valid = bulk_update_requests(sandbox, max_items=max_items, root=root)
    return not_strict_json(valid.map(lambda example: example.body))


def item_enum_fields(root: Mapping[str, Any] | None = None) -> dict[str, tuple[str, ...]]:
    """Each field of a bulk item whose values are enum strings -> its members, from the spec."""
    document = corrected_document() if root is None else root
    item = _item_node(schema_node(bulk_update_schema(document), root=document))
    fields = {}
    for name, node in item.properties:
        members = tuple(m for m in enum_members(node) if isinstance(m, str))
        if members:
            fields[name] = members
    return fields


def _item_node(request: Node) -> ObjectNode:
    items = request.property_node("items") if isinstance(request, ObjectNode) else None
    branches = items.branches if isinstance(items, UnionNode) else (items,)
    for branch in branches:
        if isinstance(branch, ArrayNode) and isinstance(branch.items, ObjectNode):
            return branch.items
    raise ValueError("the bulk request schema has no `items` array of objects")


# A workspace for a hint that must not be the incident's own, when the drawn one was.
_NOWHERE = reserved_id(0)


def _reserved_ids() -> st.SearchStrategy[str]:
    # One integer choice per id: cheaper than st.uuids, and each id shrinks on its own,
    # towards cfct-00000000-0000-4000-8000-000000000000.
    return st.integers(0, 2**128 - 1).map(reserved_id)


def _unknown(incident_id: str) -> _Pick:
    return _Pick(incident_id, None)


def _picks(sandbox: Sandbox) -> st.SearchStrategy[_Pick]:
    # Writable first: examples shrink towards the plainest request, an accepted update.
    known = [
        st.sampled_from([_Pick(i.id, i.workspace) for i in incidents])
        for incidents in (sandbox.writable, sandbox.foreign)
        if incidents
    ]
    return st.one_of(*known, _unknown_ids())


@st.composite
def _unknown_ids(draw: st.DrawFn) -> _Pick:
    # Mostly a plain cfct-<uuid4>; one in ODD_ONE_IN an odd shape. The plain id comes first
    # and is the shrink target, so a failure shrinks to the plainest id that still fails.
    if draw(st.integers(0, ODD_ONE_IN - 1)) < ODD_ONE_IN - 1:
        return _unknown(draw(_reserved_ids()))
    return _Pick(draw(odd_reserved_ids()), None, odd=True)


def _other_workspaces(sandbox: Sandbox) -> st.SearchStrategy[str]:
    """What a wrong hint names: a sandbox workspace or one that exists nowhere."""
    if not sandbox.workspaces:
        return _reserved_ids()
    return st.one_of(st.sampled_from(sandbox.workspaces), _reserved_ids())


def _spec_fields(item: ObjectNode) -> dict[tuple[bool, bool], st.SearchStrategy[dict[str, Any]]]:
    """The spec-derived fields per combination of overrides, minus the fields they replace."""
    strategies = {}
    for pair in (False, True):
        for comment in (False, True):
            replaced = [
                *((CLASSIFICATION_FIELD, REASON_FIELD) if pair else ()),
                *(("comment",) if comment else ()),
            ]
            strategies[pair, comment] = valid_values(item.without("id", "workspace", *replaced))
    return strategies


@st.composite
def _slots(draw: st.DrawFn, parts: _SlotStrategies) -> _Slot:
    target = draw(parts.targets)
    mode = draw(parts.hint_modes)
    # Only what the item uses is drawn: another workspace for a wrong hint alone, and the
    # overrides first, so that the spec-derived fields they replace are left out.
    other = draw(parts.other_workspaces) if mode == "wrong" else None
    pair = draw(parts.pairs)
    comment = draw(parts.comments)
    spec_fields = draw(parts.spec_fields[pair is not _KEEP, comment is not _KEEP])
    return _Slot(target, _Hint(mode, other), spec_fields, pair, comment)


def _pair_overrides(item: ObjectNode) -> st.SearchStrategy[Any]:
    pairs = ClassificationPairs.from_item(item)
    if pairs is None:
        return st.just(_KEEP)
    return st.just(_KEEP) | pairs.strategy()


def _comment_overrides(item: ObjectNode) -> st.SearchStrategy[Any]:
    comment = item.property_node("comment")
    if comment is None or "string" not in accepted_types(comment):
        return st.just(_KEEP)
    # Repeating a short chunk makes long comments cheap to draw and quick to shrink.
    long = st.tuples(texts(min_size=1, max_size=8), st.integers(100, 600)).map(
        lambda t: t[0] * t[1]
    )
    non_ascii = st.text(st.characters(min_codepoint=0x80, codec="utf-8"), min_size=1, max_size=40)
    return st.one_of(st.just(_KEEP), long, non_ascii)


def _hint_value(hint: _Hint, pick: _Pick) -> str | None:
    if hint.mode == "null":
        return None
    if hint.mode == "right" and pick.workspace is not None:
        return pick.workspace
    # A wrong hint, or a "right" one for an unknown id, which has no workspace of its own.
    if hint.other is not None and hint.other != pick.workspace:
        return hint.other
    return _NOWHERE


def _build_item(pick: _Pick, slot: _Slot) -> dict[str, Any]:
    item: dict[str, Any] = {"id": pick.incident_id}
    if slot.hint.mode != "absent":
        item["workspace"] = _hint_value(slot.hint, pick)
    item.update(slot.spec_fields)
    if slot.pair is not _KEEP:
        classification, reason = slot.pair
        item[CLASSIFICATION_FIELD] = classification
        if reason is not None:
            item[REASON_FIELD] = reason
    if slot.comment is not _KEEP:
        item["comment"] = slot.comment
    return item


def _example(sandbox: Sandbox, slots: list[_Slot]) -> BulkUpdateExample:
    picks: list[_Pick] = []
    items = []
    for slot in slots:
        target = slot.target
        if not isinstance(target, _Repeat):
            pick = target
        elif picks:
            pick = picks[target.index % len(picks)]
        else:
            pick = _unknown(reserved_id(target.index))  # nothing to repeat yet
        picks.append(pick)
        items.append(_build_item(pick, slot))
    return BulkUpdateExample(
        {"items": items}, expected_outcomes(sandbox, items), not any(p.odd for p in picks)
    )


def _safe_invalid(
    labelled: st.SearchStrategy[tuple[Any, Violation]],
    picks: st.SearchStrategy[_Pick],
) -> st.SearchStrategy[tuple[Any, Violation]]:
    @st.composite
    def safe(draw: st.DrawFn) -> tuple[Any, Violation]:
        body, violation = draw(labelled)
        if isinstance(body, list):  # a lenient server might read it as the items
            return [_safe_item(item, draw(picks)) for item in body], violation
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            return body, violation
        items = [_safe_item(item, draw(picks)) for item in body["items"]]
        return {**body, "items": items}, violation

    return safe()


def _safe_item(item: Any, pick: _Pick) -> Any:
    """The item with an id the write rule allows, of the same JSON kind where that is safe.

    An item that is a bare string becomes the picked id (a lenient binder might read it as
    one); so does any string inside the id. A number inside the id stays the wrong type but
    becomes ``True``: a lenient binder could turn ``123`` into the id ``"123"``, never
    ``true``.
    """
    if isinstance(item, str):
        return pick.incident_id
    if not isinstance(item, dict) or "id" not in item:
        return item
    return {**item, "id": _safe_id_value(item["id"], pick)}


def _safe_id_value(value: Any, pick: _Pick) -> Any:
    if isinstance(value, str):
        return pick.incident_id
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, list):
        return [_safe_id_value(element, pick) for element in value]
    if isinstance(value, dict):
        return {
            key: _safe_id_value(inner, pick) if key.strip().casefold() == "id" else inner
            for key, inner in value.items()
        }
    return value
