"""What makes two failures one finding: the parts of its identity, and their fingerprint.

``conformance.triage.fingerprint`` derives the parts from a failure (and documents the whole
recipe); this module holds them, hashes them and shows them, so every report, the baseline
and the previous-run comparison share one definition.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = ["FINGERPRINT_LENGTH", "FINGERPRINT_PATTERN", "Identity"]

FINGERPRINT_LENGTH = 16
FINGERPRINT_PATTERN = re.compile(rf"[0-9a-f]{{{FINGERPRINT_LENGTH}}}")
SEPARATOR = "\x1f"


def _hash(parts: tuple[str, ...]) -> str:
    text = SEPARATOR.join(parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


@dataclass(frozen=True)
class Identity:
    """The parts of a finding's identity, already normalised."""

    clause: str
    check: str
    title: str
    at: str
    """The ``At`` path with its indices and ids normalised (``$.data.forbidden[*].reason``)."""
    variant: str = ""
    """What tells apart defects that share the clause: for a server error (C15),
    the answer's status and code and the kind of input that set it off
    (``HTTP 500 INTERNAL_ERROR on items[*].id: null``); empty for every other clause, where
    the place in the answer says enough."""

    @property
    def parts(self) -> tuple[str, ...]:
        """What the fingerprint hashes. With a variant, the clause and the variant only: the
        checks that see a server error all report one fact, each in its own words."""
        if self.variant:
            return (self.clause, self.variant)
        return (self.clause, self.check, self.title, self.at)

    @property
    def fingerprint(self) -> str:
        return _hash(self.parts)

    def legacy_fingerprint(self, kind: str) -> str:
        """The fingerprint the first recipe gave this identity on a request of ``kind``
        (``kind`` normalised as that recipe did): the key of older baselines and reports."""
        return _hash((self.clause, self.check, self.title, self.at, kind))

    @property
    def summary(self) -> str:
        text = f"[{self.clause}] {self.title} at {self.at}"
        return f"{text} ({self.variant})" if self.variant else text

    def to_json(self) -> dict[str, str]:
        return {
            "fingerprint": self.fingerprint,
            "clause": self.clause,
            "check": self.check,
            "title": self.title,
            "at": self.at,
            "variant": self.variant,
        }
