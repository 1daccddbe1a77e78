"""What an invalid value breaks, and where: the label a runner turns into an expected 400.

A location is a tuple of property names and array indexes from the request body's root.
``path`` renders it the way a problem's ``errors`` map keys fields (C9): ``items[2].status``,
with ``""`` for the root object.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Location", "Violation", "ViolationKind", "render_path"]

Location = tuple[str | int, ...]

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class ViolationKind(StrEnum):
    WRONG_TYPE = "wrong_type"
    NULL_NOT_ALLOWED = "null_not_allowed"
    UNKNOWN_ENUM = "unknown_enum"
    MISSING_REQUIRED = "missing_required"
    PATTERN_MISMATCH = "pattern_mismatch"
    OUT_OF_RANGE = "out_of_range"
    TOO_FEW_ITEMS = "too_few_items"
    TOO_MANY_ITEMS = "too_many_items"
    UNEXPECTED_PROPERTY = "unexpected_property"
    NOT_STRICT_JSON = "not_strict_json"


# Kinds a JSON Schema validator reports on the enclosing object rather than on the field.
_REPORTED_ON_PARENT = frozenset({ViolationKind.MISSING_REQUIRED, ViolationKind.UNEXPECTED_PROPERTY})


def render_path(location: Location) -> str:
    parts: list[str] = []
    for segment in location:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif _IDENTIFIER.fullmatch(segment):
            parts.append(f".{segment}" if parts else segment)
        else:
            parts.append(f"[{json.dumps(segment, ensure_ascii=False)}]")
    return "".join(parts)


@dataclass(frozen=True)
class Violation:
    """The one constraint an invalid value breaks.

    ``location`` names the offending field itself, also for a missing required field or an
    unexpected property: that is the key a server puts in its ``errors`` map.
    """

    kind: ViolationKind
    location: Location = ()
    detail: str = ""

    @property
    def path(self) -> str:
        return render_path(self.location)

    @property
    def reported_at(self) -> Location:
        """Where a JSON Schema validator reports it: the parent object for some kinds."""
        return self.location[:-1] if self.kind in _REPORTED_ON_PARENT else self.location

    def within(self, segment: str | int) -> Violation:
        """The same violation seen from the enclosing object or array."""
        return Violation(self.kind, (segment, *self.location), self.detail)

    def __str__(self) -> str:
        where = self.path or "<root>"
        return (
            f"{self.kind} at {where}: {self.detail}" if self.detail else f"{self.kind} at {where}"
        )
