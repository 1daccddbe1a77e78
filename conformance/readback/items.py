"""What one accepted update item asks of one field, with the leeway the contract gives (C21a,
C21b): a set of values the field may then read as, or a marker for what the item leaves open.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from conformance.business_rules import DOCUMENTED_REASONS

if TYPE_CHECKING:
    from conformance.readback.model import Rules, Value

__all__ = ["FREE", "KEEP", "KEEP_OR_CLEAR", "Marker", "sent_value"]


class Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


FREE = Marker("FREE")  # the contract leaves the result open: not judged
KEEP = Marker("KEEP")  # left out: keeps its value (C21b)
KEEP_OR_CLEAR = Marker("KEEP_OR_CLEAR")  # explicit null: may keep or clear (C21b)


def sent_value(name: str, item: Mapping[str, Any], rules: Rules) -> Marker | set[Value]:
    """What one accepted item asks of field ``name``: a set of acceptable values or a marker."""
    if name == "assignee":
        return _assignee(item, rules)
    if name == "classificationReason" and _mismatched(item):
        return FREE  # normalised server-side, as the vendor documents: only the class is judged
    if name not in item:
        return KEEP
    if item[name] is None:
        return KEEP_OR_CLEAR
    return {str(item[name])}


def _mismatched(item: Mapping[str, Any]) -> bool:
    """A classification/reason pair the business rule does not list (a reason alone, with no
    classification, is judged against nothing, so it counts as mismatched too)."""
    classification, reason = item.get("classification"), item.get("classificationReason")
    if classification is None:
        return "classificationReason" in item and reason is not None
    return reason not in DOCUMENTED_REASONS.get(str(classification), frozenset())


def _assignee(item: Mapping[str, Any], rules: Rules) -> Marker | set[Value]:
    user = item.get("user")
    removes = item.get("removeAssignee") is True
    if isinstance(user, Mapping):
        user_id = user.get("id")
        if not isinstance(user_id, str) or user_id not in rules.users:
            return FREE  # not a sandbox user sent with its id: it may be ignored or refused
        assigned = rules.users[user_id]
        return {assigned, None} if removes else {assigned}
    if removes:
        return {None}
    return KEEP
