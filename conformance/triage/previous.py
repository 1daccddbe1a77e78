"""``--previous REPORT.json``: the findings of an earlier run, read from its JSON report.

Three shapes of the JSON report are read (docs/report-schema.md lists them):

- version 2 (``"schema_version": 2``): findings with the parts of their identity;
- version 1 (no ``schema_version``, a ``findings`` list): each finding's parts and the kind of
  request it was keyed by; its fingerprint (recipe version 1) is kept to match on as well;
- version 0 (no ``schema_version``, a ``failures`` list): failure records, whose message
  holds the title and the ``At`` line.

The identity of an older finding is computed again with today's recipe from those parts (for
a server error, from its example's request and answer too), so a finding seen last night under
an older version is "still failing" tonight, not "new". Any other version is refused (exit 2).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.checks import NoBody, NotJson, RequestBody
from conformance.reports import REPORT_SCHEMA_VERSION, Identity, PastFinding
from conformance.triage.errors import TriageInputError
from conformance.triage.fingerprint import (
    FINGERPRINT_PATTERN,
    REFINED_CLAUSES,
    identify,
    server_error_variant,
)

__all__ = ["PreviousRun", "load_previous", "parse_previous", "report_version"]

FIX = "pass a JSON report written by cf-conformance run --report-json"
READABLE_VERSIONS = (0, 1, REPORT_SCHEMA_VERSION)


@dataclass(frozen=True)
class PreviousRun:
    source: str
    profile: str
    seed: int | None
    findings: tuple[PastFinding, ...]
    schema_version: int = REPORT_SCHEMA_VERSION
    """The version of the report's shape it was read from."""

    @property
    def label(self) -> str:
        seed = "" if self.seed is None else f", seed {self.seed}"
        older = (
            ""
            if self.schema_version == REPORT_SCHEMA_VERSION
            else f", report version {self.schema_version}"
        )
        return f"{self.source} (profile {self.profile}{seed}{older})"


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


def report_version(document: Mapping[str, Any], *, source: str) -> int:
    """The version of a JSON report's shape; raises for one this suite cannot read."""
    if "schema_version" not in document:
        if isinstance(document.get("findings"), list):
            return 1
        if isinstance(document.get("failures"), list):
            return 0
        raise TriageInputError(
            source,
            "findings",
            "missing or not a list, and no schema_version says which shape this is",
            FIX,
        )
    version = document["schema_version"]
    if (
        isinstance(version, bool)
        or not isinstance(version, int)
        or version not in READABLE_VERSIONS
    ):
        newer = isinstance(version, int) and version > REPORT_SCHEMA_VERSION
        raise TriageInputError(
            source,
            "schema_version",
            f"report version {version!r} cannot be read; this suite reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}",
            "upgrade cf-conformance to read it" if newer else FIX,
        )
    return version


def parse_previous(document: Any, *, source: str) -> PreviousRun:
    if not isinstance(document, Mapping):
        raise TriageInputError(source, "", "not a JSON object", FIX)
    version = report_version(document, source=source)
    key = "failures" if version == 0 else "findings"
    entries = document.get(key)
    if not isinstance(entries, list):
        raise TriageInputError(source, key, "missing or not a list", FIX)
    read = _failure if version == 0 else _finding
    past = [read(entry, f"{key}[{index}]", source) for index, entry in enumerate(entries)]
    seed = document.get("seed")
    profile = document.get("profile")
    return PreviousRun(
        source=source,
        profile=profile if isinstance(profile, str) else "unknown",
        seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        findings=tuple(_unique(past)),
        schema_version=version,
    )


def _unique(past: list[PastFinding]) -> list[PastFinding]:
    """One entry per fingerprint: older versions split one defect by the kind of request."""
    merged: dict[str, PastFinding] = {}
    for finding in past:
        earlier = merged.get(finding.fingerprint)
        if earlier is None:
            merged[finding.fingerprint] = finding
        else:
            legacy = earlier.legacy_fingerprints | finding.legacy_fingerprints
            merged[finding.fingerprint] = PastFinding(earlier.identity, legacy)
    return list(merged.values())


def _finding(entry: Any, key: str, source: str) -> PastFinding:
    if not isinstance(entry, Mapping):
        raise TriageInputError(source, key, "not an object", FIX)
    fingerprint = entry.get("fingerprint")
    if not isinstance(fingerprint, str) or not FINGERPRINT_PATTERN.fullmatch(fingerprint):
        raise TriageInputError(
            source, f"{key}.fingerprint", f"not a fingerprint: {fingerprint!r}", FIX
        )
    # The parts label a fixed finding; a report that lacks one still works.
    parts = {name: _text(entry.get(name)) for name in ("clause", "check", "title", "at")}
    if "kind" in entry:  # version 1
        identity = identify(
            **parts, variant=_variant(parts["clause"], entry.get("request"), entry.get("response"))
        )
        return PastFinding(identity, legacy_fingerprints=frozenset({fingerprint}))
    identity = Identity(**parts, variant=_text(entry.get("variant"), ""))
    if identity.fingerprint != fingerprint:
        raise TriageInputError(
            source,
            f"{key}.fingerprint",
            f"{fingerprint} is not the fingerprint of the finding's parts ({identity.summary})",
            FIX,
        )
    return PastFinding(identity)


def _failure(entry: Any, key: str, source: str) -> PastFinding:
    """A version-0 failure record: the title and place are read from its message."""
    if not isinstance(entry, Mapping):
        raise TriageInputError(source, key, "not an object", FIX)
    clause, check = _text(entry.get("clause")), _text(entry.get("check"))
    lines = _text(entry.get("message"), "").splitlines()
    title = lines[0].removeprefix(f"[{clause}]").strip() if lines else "?"
    at = next((line.removeprefix("At:").strip() for line in lines if line.startswith("At:")), "?")
    variant = _variant(clause, entry.get("request"), entry.get("response"))
    return PastFinding(identify(clause=clause, check=check, title=title, at=at, variant=variant))


def _variant(clause: str, request: Any, response: Any) -> str:
    """A server error's variant, from the example an older report kept (redacted)."""
    if clause not in REFINED_CLAUSES or not isinstance(response, Mapping):
        return ""
    status = response.get("status")
    if not isinstance(status, int):
        return ""
    body = response.get("body")
    code = body.get("code") if isinstance(body, Mapping) else None
    sent = request.get("body") if isinstance(request, Mapping) else None
    request_body: RequestBody
    if sent is None:
        request_body = NoBody()
    elif isinstance(sent, str):
        # Not JSON, or cut short for the report: either way not readable as JSON.
        request_body = NotJson(sent.encode("utf-8"))
    else:
        request_body = sent
    return server_error_variant(
        status, code if isinstance(code, str) and code else None, request_body
    )


def _text(value: Any, missing: str = "?") -> str:
    return value if isinstance(value, str) else missing
