from typing import Any

import pytest

from conformance.openapi import load_document
from strategies import DOCUMENTED_REASONS, ClassificationPairs, is_documented_pair, schema_node
from strategies.schema_nodes import ObjectNode

ITEM = "#/components/schemas/UpdateIncidentRequest"


def _pairs(document: dict[str, Any]) -> ClassificationPairs:
    item = schema_node(ITEM, root=document)
    assert isinstance(item, ObjectNode)
    pairs = ClassificationPairs.from_item(item)
    assert pairs is not None
    return pairs


def test_the_documented_table_names_only_spec_members(document: dict[str, Any]) -> None:
    # Guards the hand-copied documentation table against typos and vendor renames.
    schemas = document["components"]["schemas"]
    assert set(DOCUMENTED_REASONS) <= set(schemas["Classification"]["enum"])
    for reasons in DOCUMENTED_REASONS.values():
        assert reasons <= set(schemas["ClassificationReason"]["enum"])


def test_pairs_split_the_spec_members_by_the_business_rule(document: dict[str, Any]) -> None:
    pairs = _pairs(document)
    assert len(pairs.matched) == sum(len(r) for r in DOCUMENTED_REASONS.values())
    assert all(is_documented_pair(*pair) for pair in pairs.matched)
    assert not any(is_documented_pair(*pair) for pair in pairs.mismatched)
    assert ("Suspicious", None) in pairs.mismatched
    assert ("TruePositive", "SecurityTesting") in pairs.mismatched


@pytest.mark.parametrize(
    ("classification", "reason", "expected"),
    [
        pytest.param("TruePositive", "Malware", True, id="listed"),
        pytest.param("Undetermined", "Other", True, id="other"),
        pytest.param("FalsePositive", "Malware", False, id="wrong-reason"),
        pytest.param("TruePositive", None, False, id="missing-reason"),
        pytest.param("Suspicious", "Other", False, id="undocumented-classification"),
        pytest.param(None, None, False, id="nothing"),
    ],
)
def test_is_documented_pair(classification: object, reason: object, expected: bool) -> None:
    assert is_documented_pair(classification, reason) is expected


def test_pairs_follow_a_vendor_change_of_the_enums() -> None:
    changed = load_document()
    schemas = changed["components"]["schemas"]
    schemas["Classification"]["enum"].insert(0, "Escalated")
    schemas["ClassificationReason"]["enum"].remove("Phishing")
    pairs = _pairs(changed)
    assert ("Escalated", None) in pairs.mismatched
    assert ("TruePositive", "Phishing") not in pairs.matched
    assert ("TruePositive", "Malware") in pairs.matched
