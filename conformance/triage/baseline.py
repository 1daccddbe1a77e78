"""``--baseline FILE``: known failures, each accepted until a date, kept in a committed TOML file.

The file holds one ``[[known]]`` table per accepted finding::

    [[known]]
    fingerprint = "3f9a0c1d2e4b5a67"   # from a report
    reason = "500 on a null id; the fix ships with 2.4"
    reference = "https://github.com/example/api/issues/123"   # or a key such as CF-123
    expires = 2026-07-01                # a TOML date; from this day on the entry has expired
    summary = "[C15] Server error at HTTP status (HTTP 500 on items[*].id: null)"  # optional

An entry written before version 2 of the fingerprint recipe (which hashed the kind of request
too) still covers its finding: triage matches it through the finding's older fingerprints,
names it in the report with the fingerprint to give it, and ``--write-baseline`` writes it
with that fingerprint.

An empty file (or one with comments only) is a baseline with no entries. Anything else the
loader does not understand is a ``TriageInputError`` naming the entry and the field.
``--write-baseline FILE --expires DATE`` writes such a file for a run's findings.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from conformance.reports import BaselineEntry, Finding
from conformance.triage.errors import TriageInputError
from conformance.triage.fingerprint import FINGERPRINT_PATTERN

__all__ = ["ENTRY_KEYS", "load_baseline", "parse_baseline", "render_baseline", "write_baseline"]

TABLE = "known"
ENTRY_KEYS = ("fingerprint", "reason", "reference", "expires", "summary")
REQUIRED_KEYS = ("fingerprint", "reason", "reference", "expires")
FIXES = {
    "fingerprint": 'copy it from a report, e.g. fingerprint = "3f9a0c1d2e4b5a67"',
    "reason": 'say why the failure is accepted for now, e.g. reason = "fix ships with 2.4"',
    "reference": 'name the issue, e.g. reference = "https://github.com/org/api/issues/12"',
    "expires": "write a TOML date, e.g. expires = 2026-07-01",
    "summary": 'write a string, e.g. summary = "[C15] Server error ..."',
}


def load_baseline(path: Path) -> list[BaselineEntry]:
    source = str(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise TriageInputError(
            source, "", "no such file", "pass an existing --baseline FILE (it may be empty)"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise TriageInputError(source, "", f"not valid TOML: {exc}", "fix the syntax") from None
    return parse_baseline(raw, source=source)


def parse_baseline(raw: Mapping[str, Any], *, source: str) -> list[BaselineEntry]:
    for key in raw:
        if key != TABLE:
            raise TriageInputError(
                source, key, "unknown key", f"remove it; the file holds [[{TABLE}]] tables only"
            )
    tables = raw.get(TABLE, [])
    if not isinstance(tables, list):
        raise TriageInputError(
            source, TABLE, "must be an array of tables", f"write each entry as [[{TABLE}]]"
        )
    entries: list[BaselineEntry] = []
    first_seen: dict[str, str] = {}
    for index, table in enumerate(tables):
        entry = _entry(table, index, source)
        if entry.fingerprint in first_seen:
            raise TriageInputError(
                source,
                f"{entry.name}.fingerprint",
                f"{entry.fingerprint} is also in {first_seen[entry.fingerprint]}",
                "list each fingerprint once",
            )
        first_seen[entry.fingerprint] = entry.name
        entries.append(entry)
    return entries


def _entry(table: Any, index: int, source: str) -> BaselineEntry:
    name = f"{TABLE}[{index}]"
    if not isinstance(table, Mapping):
        raise TriageInputError(source, name, "must be a table", f"write it as [[{TABLE}]]")
    for key in table:
        if key not in ENTRY_KEYS:
            close = difflib.get_close_matches(key, ENTRY_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(ENTRY_KEYS)}"
            raise TriageInputError(source, f"{name}.{key}", "unknown key", f"remove it; {hint}")
    for key in REQUIRED_KEYS:
        if key not in table:
            raise TriageInputError(source, f"{name}.{key}", "missing", FIXES[key])
    fingerprint = _text(table, "fingerprint", name, source)
    if not FINGERPRINT_PATTERN.fullmatch(fingerprint):
        raise TriageInputError(
            source,
            f"{name}.fingerprint",
            f"not a fingerprint: {fingerprint!r} (16 lowercase hex digits)",
            FIXES["fingerprint"],
        )
    return BaselineEntry(
        index=index,
        fingerprint=fingerprint,
        reason=_text(table, "reason", name, source),
        reference=_text(table, "reference", name, source),
        expires=_date(table["expires"], f"{name}.expires", source),
        summary=_text(table, "summary", name, source, required=False),
    )


def _text(
    table: Mapping[str, Any], key: str, name: str, source: str, *, required: bool = True
) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        shown = "an empty string" if value == "" else repr(value)
        raise TriageInputError(
            source, f"{name}.{key}", f"must be a non-empty string, got {shown}", FIXES[key]
        )
    return value


def _date(value: Any, key: str, source: str) -> datetime.date:
    # A TOML date is read as a date; a datetime (a time of day too) is refused, since an
    # expiry is a day. A quoted ISO date is accepted as well: it means the same.
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise TriageInputError(
        source, key, f"must be a date like 2026-07-01, got {value!r}", FIXES["expires"]
    )


def render_baseline(
    kept: Sequence[BaselineEntry],
    findings: Iterable[Finding],
    *,
    expires: datetime.date,
    note: str,
    translated: Mapping[str, str] | None = None,
) -> tuple[str, int]:
    """The text of a baseline: ``kept`` as they are, then one new entry per finding whose
    fingerprint is not among them. Returns the text and the number of new entries.

    ``note`` says where the new entries came from; it goes into their ``reason``.
    ``translated`` maps fingerprints of the older recipe to today's (``Triage.translated``):
    a kept entry with one gets today's fingerprint, and a second entry that comes to the same
    fingerprint is left out, since one entry now covers the finding.
    """
    kept = _translated(kept, translated or {})
    lines = [
        "# Known failures for cf-conformance run --baseline (README: Nightly triage).",
        "# Each entry covers one finding until its expires date; from that day on the run",
        "# fails until the entry is renewed or removed. Replace the reason and reference of",
        "# written entries with why each failure is accepted and the issue that tracks it.",
    ]
    for entry in kept:
        lines += ["", *_entry_lines(entry)]
    known = {entry.fingerprint for entry in kept}
    added = 0
    for finding in findings:
        if finding.fingerprint in known:
            continue
        known.add(finding.fingerprint)
        added += 1
        entry = BaselineEntry(
            index=len(kept) + added - 1,
            fingerprint=finding.fingerprint,
            reason=f"present when this baseline was written ({note})",
            reference="none yet: replace with an issue link or key",
            expires=expires,
            summary=finding.summary,
        )
        lines += ["", *_entry_lines(entry)]
    return "\n".join(lines) + "\n", added


def _translated(
    kept: Sequence[BaselineEntry], translated: Mapping[str, str]
) -> list[BaselineEntry]:
    entries: list[BaselineEntry] = []
    seen: set[str] = set()
    for entry in kept:
        fingerprint = translated.get(entry.fingerprint, entry.fingerprint)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        entries.append(dataclasses.replace(entry, index=len(entries), fingerprint=fingerprint))
    return entries


def _entry_lines(entry: BaselineEntry) -> list[str]:
    lines = [
        f"[[{TABLE}]]",
        f"fingerprint = {_string(entry.fingerprint)}",
        f"reason = {_string(entry.reason)}",
        f"reference = {_string(entry.reference)}",
        f"expires = {entry.expires.isoformat()}",
    ]
    if entry.summary:
        lines.append(f"summary = {_string(entry.summary)}")
    return lines


def _string(value: str) -> str:
    # JSON's string escapes are all valid in a TOML basic string; TOML also wants DEL escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def write_baseline(
    path: Path,
    kept: Sequence[BaselineEntry],
    findings: Iterable[Finding],
    *,
    expires: datetime.date,
    note: str,
    translated: Mapping[str, str] | None = None,
) -> int:
    """Write the baseline file; returns the number of entries added."""
    text, added = render_baseline(kept, findings, expires=expires, note=note, translated=translated)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return added
