"""Each finding's status, against the previous run and the baseline of known failures.

Precedence, first match wins:

1. ``known``: an unexpired baseline entry has its fingerprint. It does not fail the run.
2. ``flaky``: its minimal example was replayed and no replay showed the failure again. It
   fails the run unless the target file says ``[checks] flaky = "warn"``.
3. ``still-failing``: the previous run's report has its fingerprint.
4. ``new``: anything else, including every finding when no previous report is given.

A baseline entry or a previous finding keyed by a fingerprint of version 1 of the recipe
(which hashed the kind of request too) matches a finding that has it among its
``legacy_fingerprints``; a baseline entry matched that way is listed as ``translated``, with
the fingerprint to give it.

A finding of the previous run that this run does not have is ``fixed``, but only when this run
could have seen it: it completed, and it checked the finding's clause. Otherwise it is listed
as unchecked, neither fixed nor failing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from conformance.reports import BaselineEntry, Finding, FlakyPolicy, Triage
from conformance.triage.previous import PreviousRun

__all__ = ["classify"]


def classify(
    findings: Sequence[Finding],
    *,
    today: date,
    flaky_policy: FlakyPolicy = "fail",
    baseline: Sequence[BaselineEntry] | None = None,
    baseline_source: str | None = None,
    previous: PreviousRun | None = None,
    checked_clauses: Collection[str] = (),
    completed: bool = True,
) -> Triage:
    """Set ``status`` and ``baseline`` on each finding; return what else triage found."""
    entries: dict[str, BaselineEntry] = {}
    for entry in baseline or ():
        entries.setdefault(entry.fingerprint, entry)
    past = previous.findings if previous else ()
    before = {p.fingerprint for p in past}.union(*(p.legacy_fingerprints for p in past))
    triage = Triage(
        today=today,
        flaky_policy=flaky_policy,
        previous=previous.label if previous else None,
        baseline=baseline_source,
    )
    matched: set[str] = set()
    """Fingerprints of the baseline entries that matched a finding of this run."""
    for finding in findings:
        known = _entry_of(finding, entries)
        finding.baseline = known
        if known is not None:
            matched.add(known.fingerprint)
            if known.fingerprint != finding.fingerprint:
                triage.translated.append((known, finding.fingerprint))
        if known is not None and not known.expired(today):
            finding.status = "known"
        elif finding.replay is not None and finding.replay.flaky:
            finding.status = "flaky"
        elif finding.fingerprint in before or finding.legacy_fingerprints & before:
            finding.status = "still-failing"
        else:
            finding.status = "new"
    seen = {finding.fingerprint for finding in findings}
    seen_before = seen.union(*(finding.legacy_fingerprints for finding in findings))
    for earlier in past:
        if earlier.fingerprint in seen or earlier.legacy_fingerprints & seen_before:
            continue
        if completed and earlier.clause in checked_clauses:
            triage.fixed.append(earlier)
        else:
            triage.unchecked.append(earlier)
    for entry in baseline or ():
        if entry.expired(today):
            triage.expired.append(entry)
            if entry.fingerprint in matched:
                triage.expired_matched.add(entry.fingerprint)
        elif entry.fingerprint not in matched:
            triage.unseen.append(entry)
    return triage


def _entry_of(finding: Finding, entries: Mapping[str, BaselineEntry]) -> BaselineEntry | None:
    """The baseline entry with the finding's fingerprint; else the first entry with one of
    its fingerprints under version 1 of the recipe (a baseline written before version 2)."""
    entry = entries.get(finding.fingerprint)
    if entry is not None:
        return entry
    older = [entries[f] for f in finding.legacy_fingerprints if f in entries]
    return min(older, key=lambda e: e.index, default=None)
