"""Classification/reason pairs: the documented business rule as data, the members from the spec.

The table (``conformance.business_rules``, shared with the read-back) is the vendor's
documentation (docs/contract.md, "Business rules"), not a copy of the spec: the members that may
be sent always come from the spec's enums, so a member the vendor drops disappears from the
pairs and one it adds shows up among the mismatched ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from conformance.business_rules import DOCUMENTED_REASONS, is_documented_pair
from strategies.schema_nodes import ObjectNode, enum_members

__all__ = [
    "CLASSIFICATION_FIELD",
    "DOCUMENTED_REASONS",
    "REASON_FIELD",
    "ClassificationPairs",
    "is_documented_pair",
]

CLASSIFICATION_FIELD = "classification"
REASON_FIELD = "classificationReason"

Pair = tuple[str, str | None]


@dataclass(frozen=True)
class ClassificationPairs:
    """The pairs the spec's enums allow, split by the business rule.

    A mismatched pair either names a reason the rule does not list for the classification,
    or (``None``) leaves the reason out although a classification is set.
    """

    matched: tuple[Pair, ...]
    mismatched: tuple[Pair, ...]

    @classmethod
    def from_item(cls, item: ObjectNode) -> ClassificationPairs | None:
        """Pairs from the item schema's enums; None when the spec lacks either field."""
        classification_node = item.property_node(CLASSIFICATION_FIELD)
        reason_node = item.property_node(REASON_FIELD)
        if classification_node is None or reason_node is None:
            return None
        classifications = [m for m in enum_members(classification_node) if isinstance(m, str)]
        reasons = [m for m in enum_members(reason_node) if isinstance(m, str)]
        everything: list[Pair] = [(c, r) for c in classifications for r in reasons]
        return cls(
            matched=tuple(p for p in everything if is_documented_pair(*p)),
            mismatched=(
                *(p for p in everything if not is_documented_pair(*p)),
                *((c, None) for c in classifications),
            ),
        )

    def strategy(self) -> st.SearchStrategy[Pair]:
        pools = [st.sampled_from(pool) for pool in (self.matched, self.mismatched) if pool]
        return st.one_of(pools)
