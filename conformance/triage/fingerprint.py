"""The fingerprint of a failure: one identity per defect, the same on every run that sees it.

The recipe, kept stable on purpose (a baseline file and last night's report hold its output):

1. Take five parts of the failure:
   - the clause (``C17``),
   - the check (``outcome_partition_conformance``),
   - the failure's title (``Id answered twice``),
   - the ``At`` path, normalised: every array index becomes ``*`` (``$.data.accepted[3]``
     becomes ``$.data.accepted[*]``, ``items[0].status`` inside an ``errors`` key becomes
     ``items[*].status``), every reserved id becomes ``cfct-*`` and every UUID ``<uuid>``,
   - the kind of request: the probe's name (``probe: sandbox: duplicate ids``) or the
     property's name (``property: valid bulk updates``), without the notes a run adds to it.
   Ids and UUIDs are normalised in the title and the kind too.
2. Join them with the unit separator (U+001F) and hash the text with SHA-256.
3. The fingerprint is the first 16 hex digits of the hash.

What stays out: the seed, the ids a request carried, timestamps, request ids, the received
value and the response body. Two runs with different seeds that hit one defect therefore give
one fingerprint, and two defects that differ in any of the five parts give two.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from conformance.checks import ConformanceFailure

__all__ = ["FINGERPRINT_PATTERN", "Identity", "identify", "identify_failure", "normalise_path"]

FINGERPRINT_LENGTH = 16
FINGERPRINT_PATTERN = re.compile(rf"[0-9a-f]{{{FINGERPRINT_LENGTH}}}")
SEPARATOR = "\x1f"

# ``[3]`` and, as some frameworks key their errors, a ``.3`` segment.
_INDEX = re.compile(r"\[\d+\]|(?<=\.)\d+(?=[.\[\"]|$)")
# A reserved id runs until something that cannot be in a JSON path segment or a key.
_RESERVED_ID = re.compile(r"cfct-[^\s\"'\]\[.,;)]*")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _without_ids(text: str) -> str:
    return _UUID.sub("<uuid>", _RESERVED_ID.sub("cfct-*", text))


def normalise_path(at: str) -> str:
    """``$.data.forbidden[2].workspaceId`` -> ``$.data.forbidden[*].workspaceId``."""
    return _without_ids(_INDEX.sub(lambda m: "[*]" if m.group().startswith("[") else "*", at))


@dataclass(frozen=True)
class Identity:
    """The five parts a fingerprint is made of, already normalised."""

    clause: str
    check: str
    title: str
    at: str
    kind: str

    @property
    def fingerprint(self) -> str:
        text = SEPARATOR.join((self.clause, self.check, self.title, self.at, self.kind))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]

    @property
    def summary(self) -> str:
        return f"[{self.clause}] {self.title} at {self.at} ({self.kind})"


def identify(*, clause: str, check: str, title: str, at: str, kind: str) -> Identity:
    return Identity(
        clause=clause,
        check=check,
        title=_without_ids(title),
        at=normalise_path(at),
        kind=_without_ids(kind),
    )


def identify_failure(failure: ConformanceFailure, kind: str) -> Identity:
    """The identity of a check's failure on a request of ``kind``."""
    return identify(
        clause=failure.clause,
        check=failure.check,
        title=failure.title,
        at=failure.path,
        kind=kind,
    )
