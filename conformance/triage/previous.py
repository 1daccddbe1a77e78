"""``--previous REPORT.json``: the findings of an earlier run, read from its JSON report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.reports import PastFinding
from conformance.triage.errors import TriageInputError
from conformance.triage.fingerprint import FINGERPRINT_PATTERN

__all__ = ["PreviousRun", "load_previous", "parse_previous"]

FIX = "pass a JSON report written by cf-conformance run --report-json"
FIELDS = ("clause", "check", "title", "at", "kind")


@dataclass(frozen=True)
class PreviousRun:
    source: str
    profile: str
    seed: int | None
    findings: tuple[PastFinding, ...]

    @property
    def label(self) -> str:
        seed = "" if self.seed is None else f", seed {self.seed}"
        return f"{self.source} (profile {self.profile}{seed})"


def load_previous(path: Path) -> PreviousRun:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TriageInputError(source, "", "no such file", FIX) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TriageInputError(source, "", f"cannot be read: {exc}", FIX) from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise TriageInputError(source, "", f"not JSON: {exc}", FIX) from None
    return parse_previous(document, source=source)


def parse_previous(document: Any, *, source: str) -> PreviousRun:
    if not isinstance(document, Mapping):
        raise TriageInputError(source, "", "not a JSON object", FIX)
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise TriageInputError(
            source, "findings", "missing or not a list (a report from an older version?)", FIX
        )
    past = [_finding(entry, index, source) for index, entry in enumerate(findings)]
    seed = document.get("seed")
    profile = document.get("profile")
    return PreviousRun(
        source=source,
        profile=profile if isinstance(profile, str) else "unknown",
        seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        findings=tuple(past),
    )


def _finding(entry: Any, index: int, source: str) -> PastFinding:
    key = f"findings[{index}]"
    if not isinstance(entry, Mapping):
        raise TriageInputError(source, key, "not an object", FIX)
    fingerprint = entry.get("fingerprint")
    if not isinstance(fingerprint, str) or not FINGERPRINT_PATTERN.fullmatch(fingerprint):
        raise TriageInputError(
            source, f"{key}.fingerprint", f"not a fingerprint: {fingerprint!r}", FIX
        )
    # The descriptive fields only label a fixed finding; a report that lacks one still works.
    described = {name: entry.get(name) for name in FIELDS}
    return PastFinding(
        fingerprint=fingerprint,
        **{name: value if isinstance(value, str) else "?" for name, value in described.items()},
    )
