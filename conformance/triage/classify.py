"""Each finding's status, against the previous run and the baseline of known failures.

Precedence, first match wins:

1. ``known``: an unexpired baseline entry has its fingerprint. It does not fail the run.
2. ``flaky``: its minimal example was replayed and no replay showed the failure again. It
   fails the run unless the target file says ``[checks] flaky = "warn"``.
3. ``still-failing``: the previous run's report has its fingerprint.
4. ``new``: anything else, including every finding when no previous report is given.

A finding of the previous run that this run does not have is ``fixed``, but only when this run
could have seen it: it completed, and it checked the finding's clause. Otherwise it is listed
as unchecked, neither fixed nor failing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
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
    entries = {entry.fingerprint: entry for entry in baseline or ()}
    before = {past.fingerprint for past in previous.findings} if previous else set()
    triage = Triage(
        today=today,
        flaky_policy=flaky_policy,
        previous=previous.label if previous else None,
        baseline=baseline_source,
    )
    for finding in findings:
        entry = entries.get(finding.fingerprint)
        finding.baseline = entry
        if entry is not None and not entry.expired(today):
            finding.status = "known"
        elif finding.replay is not None and finding.replay.flaky:
            finding.status = "flaky"
        elif finding.fingerprint in before:
            finding.status = "still-failing"
        else:
            finding.status = "new"
    seen = {finding.fingerprint for finding in findings}
    for past in previous.findings if previous else ():
        if past.fingerprint in seen:
            continue
        if completed and past.clause in checked_clauses:
            triage.fixed.append(past)
        else:
            triage.unchecked.append(past)
    for entry in baseline or ():
        if entry.expired(today):
            triage.expired.append(entry)
            if entry.fingerprint in seen:
                triage.expired_matched.add(entry.fingerprint)
        elif entry.fingerprint not in seen:
            triage.unseen.append(entry)
    return triage
