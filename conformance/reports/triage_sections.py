"""The findings of a run, grouped by triage status, as every text report lists them.

The console and the Markdown report both open with the counts, then list each finding under
its status in this order: new, still failing, flaky, known; then what is no longer seen
(fixed findings, baseline entries not seen) and the baseline entries that have expired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from conformance.reports.findings import BaselineEntry, Finding, FindingStatus, Triage
from conformance.reports.model import RunReport

__all__ = ["HEADINGS", "Section", "baseline_line", "finding_sections", "no_longer_failing"]

HEADINGS: dict[FindingStatus, str] = {
    "new": "New",
    "still-failing": "Still failing",
    "flaky": "Flaky: did not reproduce on replay",
    "known": "Known: covered by the baseline",
}


@dataclass(frozen=True)
class Section:
    status: FindingStatus
    heading: str
    findings: list[Finding]


def finding_sections(report: RunReport) -> list[Section]:
    """The non-empty groups of findings, in the order the reports list them."""
    sections = []
    for status, heading in HEADINGS.items():
        group = [finding for finding in report.findings if finding.status == status]
        warn_only = status == "flaky" and report.triage.flaky_policy == "warn"
        shown = f'{heading} (warnings only: [checks] flaky = "warn")' if warn_only else heading
        if group:
            sections.append(Section(status, shown, group))
    return sections


def baseline_line(entry: BaselineEntry, triage: Triage) -> str:
    """How a finding's baseline entry is shown under it."""
    state = (
        f"EXPIRED on {entry.expires.isoformat()}"
        if entry.expired(triage.today)
        else f"expires {entry.expires.isoformat()}"
    )
    return f"baseline {entry.name}: {entry.reason} ({entry.reference}), {state}"


def no_longer_failing(
    triage: Triage, fingerprint: Callable[[str], str]
) -> list[tuple[str, list[str]]]:
    """The closing lists, non-empty ones only: (heading, items). ``fingerprint`` formats a
    fingerprint for the report at hand (plain on the console, as code in Markdown)."""
    lists = [
        (
            "Fixed since the previous run",
            [
                f"{past.summary}, fingerprint {fingerprint(past.fingerprint)}"
                for past in triage.fixed
            ],
        ),
        (
            "Not checked this run (neither fixed nor failing)",
            [
                f"{past.summary}, fingerprint {fingerprint(past.fingerprint)}"
                for past in triage.unchecked
            ],
        ),
        (
            "Baseline entries not seen: possibly fixed",
            [
                f"{entry.name}, fingerprint {fingerprint(entry.fingerprint)}: {entry.reason} "
                f"({entry.reference})"
                for entry in triage.unseen
            ],
        ),
        ("Expired baseline entries", [triage.expired_note(e) for e in triage.expired]),
        (
            "Baseline entries with an older fingerprint",
            [triage.translated_note(entry, now) for entry, now in triage.translated],
        ),
    ]
    return [(heading, items) for heading, items in lists if items]
