"""The vendor's documented business rules, as data: which reasons go with which classification.

The strategies draw matched and mismatched pairs from it; the read-back (C21a) judges only the
classification of a mismatched pair, which the vendor documents is normalised server-side.
Plain data, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["DOCUMENTED_REASONS", "is_documented_pair"]

# docs.contraforce.com/concepts/incident-classification: valid reasons per classification.
DOCUMENTED_REASONS: Mapping[str, frozenset[str]] = {
    "TruePositive": frozenset(
        {
            "MultistagedAttack",
            "Malware",
            "MaliciousUserActivity",
            "UnwantedSoftware",
            "Phishing",
            "CompromisedUser",
            "Apt",
            "SuspiciousActivity",
            "Other",
        }
    ),
    "FalsePositive": frozenset(
        {"NotMalicious", "NoEnoughDataToValidate", "InaccurateData", "IncorrectAlertLogic", "Other"}
    ),
    "BenignPositive": frozenset(
        {
            "SecurityTesting",
            "ConfirmedUserActivity",
            "LineOfBusinessApplication",
            "SecurityPersonnel",
            "SuspiciousButExpected",
            "Other",
        }
    ),
    "Undetermined": frozenset({"Unknown", "Other"}),
}


def is_documented_pair(classification: object, reason: object) -> bool:
    """Does the business rule list ``reason`` for ``classification``?"""
    return isinstance(classification, str) and reason in DOCUMENTED_REASONS.get(
        classification, frozenset()
    )
