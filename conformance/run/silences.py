"""Requests shaped like one the target left unanswered: a generated one is not sent again.

Each request the target leaves unanswered costs a full ``limits.timeout_seconds``. A server
that never answers one kind of request would otherwise make a generated phase wait out a
timeout for every example of that kind, and C22 learns nothing from the second one. So
the run remembers what the unanswered requests looked like, and a generated request shaped
like one of them is skipped: counted, and named in a note of the report.

**Traits.** A request is described by its traits, each scoped to its method and path:

- the media type of its ``Content-Type`` (or none);
- the scheme of its ``Authorization`` header (``basic``, ``bearer``, another word, or none);
- its body: none; JSON, as its type skeleton, one trait per JSON path with the type found
  there (``$.items[*].comment: string``), array elements all under ``[*]``, values
  dropped; or, when it is not JSON, a coarse class (``text`` or ``binary``) with the media
  type it was sent as (``text as application/json``: a server that stalls parsing a body it
  was told is JSON may well answer the same text sent as ``text/plain``).

JSON types are ``object``, ``array``, ``string``, ``number`` and ``null``, and a boolean
counts as ``true`` or ``false``: a flag's value picks the path a server takes, the way a
type does.

**Shaped like.** A request is shaped like an unanswered one, sent to the same method and
path, when

1. its traits are the same, or
2. the unanswered request carried traits that no answered request of the run has carried
   (its *silent* traits), and this request carries all of them.

The second rule is how one hang teaches about the next: a server that never answers items
with ``"removeAssignee": true`` leaves that trait silent, whatever else the requests carry,
so every later request carrying it is skipped. It starts narrow (every trait of the first
unanswered request no answer has shown yet), and widens as answers show which of them the
server does answer. An unanswered request whose every trait was also seen answered (the
server stalls on a combination) matches by the first rule only. Probes are always sent:
each exists to check a clause; the rule skips generated requests only.

Replays go through neither: a C22 finding is replayed to see whether it still hangs.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from conformance.openapi.json_types import json_type_of
from conformance.reports import RunReport
from conformance.run.client import PlannedRequest

__all__ = ["Silences", "report_skipped", "traits"]

Trait = str


def traits(planned: PlannedRequest) -> frozenset[Trait]:
    """The request's traits, each prefixed with its method and path."""
    route = f"{planned.method.upper()} {planned.path}"
    headers = {name.lower(): value for name, value in planned.headers.items()}
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower() or "none"
    scheme = headers.get("authorization", "").strip().split(" ", 1)[0].lower() or "none"
    body = _body_traits(planned.content, media)
    found = {f"content-type: {media}", f"authorization: {scheme}", *body}
    return frozenset(f"{route} | {trait}" for trait in found)


def _body_traits(content: bytes | None, media: str) -> Iterator[Trait]:
    if not content:
        yield "body: none"
        return
    try:
        document = json.loads(content)
    except (ValueError, RecursionError):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            yield f"body: binary as {media}"
        else:
            yield f"body: text as {media}"
        return
    yield from _skeleton(document, "$")


def _skeleton(value: Any, path: str) -> Iterator[Trait]:
    yield f"body {path}: {_json_type(value)}"
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _skeleton(member, f"{path}.{key}")
    elif isinstance(value, list):
        for element in value:
            yield from _skeleton(element, f"{path}[*]")


def _json_type(value: Any) -> str:
    """The project's classifier, coarser for numbers and finer for booleans (see above)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    kind = json_type_of(value)
    return "number" if kind == "integer" else kind


@dataclass(frozen=True)
class _Unanswered:
    traits: frozenset[Trait]


class Silences:
    """What the run's answered and unanswered requests looked like; thread-safe."""

    def __init__(self) -> None:
        self._answered: set[Trait] = set()
        self._unanswered: list[_Unanswered] = []
        self.skipped: Counter[str] = Counter()
        """Generated requests not sent, by phase."""
        self.examples: dict[str, str] = {}
        """By phase: the silent traits of the first request skipped, for the note."""
        self._lock = threading.Lock()

    def answered(self, planned: PlannedRequest) -> None:
        found = traits(planned)
        with self._lock:
            self._answered |= found

    def unanswered(self, planned: PlannedRequest) -> None:
        found = traits(planned)
        with self._lock:
            if all(known.traits != found for known in self._unanswered):
                self._unanswered.append(_Unanswered(found))

    def shaped_like_unanswered(self, planned: PlannedRequest) -> str | None:
        """Why ``planned`` is shaped like an unanswered request, or ``None`` if it is not."""
        with self._lock:
            if not self._unanswered:
                return None
            found = traits(planned)
            for known in self._unanswered:
                if known.traits == found:
                    return "the same traits"
                silent = known.traits - self._answered
                if silent and silent <= found:
                    return f"silent traits: {_describe(silent)}"
        return None

    def skip(self, planned: PlannedRequest, *, phase: str) -> bool:
        """Whether to skip ``planned``, a generated request of ``phase``; counts a skip."""
        why = self.shaped_like_unanswered(planned)
        if why is None:
            return False
        with self._lock:
            self.skipped[phase] += 1
            self.examples.setdefault(phase, why)
        return True

    @property
    def total_skipped(self) -> int:
        with self._lock:
            return sum(self.skipped.values())

    def notes(self) -> list[str]:
        """One line per phase that skipped requests, for the report."""
        with self._lock:
            return [
                f"{phase}: {count} generated request(s) not sent, shaped like a request the "
                f"target left unanswered (C22) ({self.examples[phase]})"
                for phase, count in self.skipped.items()
            ]


def _describe(shape: set[Trait] | frozenset[Trait]) -> str:
    """The traits without their route, shortest first, at most three."""
    parts = sorted((trait.split(" | ", 1)[1] for trait in shape), key=lambda t: (len(t), t))
    more = f", and {len(parts) - 3} more" if len(parts) > 3 else ""
    return "; ".join(parts[:3]) + more


def report_skipped(report: RunReport, silences: Silences) -> None:
    """Count the skipped requests in the report's stats, and name them in its notes."""
    report.skipped_requests = silences.total_skipped
    report.notes += silences.notes()
