"""What a run reads for triage and writes back: the baseline, the previous report.

Both are read before anything is sent, so a broken file costs no request (exit 2); the
baseline is written once the reports are, and only by a run that completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from conformance.reports import BaselineEntry, FlakyPolicy, RunReport
from conformance.run.preconditions import UsageError
from conformance.triage import PreviousRun, classify, load_baseline, load_previous, write_baseline

__all__ = ["TriageInputs", "read_triage_inputs", "triage", "write_baseline_file"]


@dataclass(frozen=True)
class TriageInputs:
    baseline: list[BaselineEntry] | None
    previous: PreviousRun | None
    baseline_source: str | None = None
    """Where ``baseline`` was read from, for the report."""


def read_triage_inputs(
    *,
    baseline: Path | None,
    previous: Path | None,
    write_to: Path | None,
    expires: date | None,
) -> TriageInputs:
    """Read ``--baseline`` and ``--previous``, and check ``--write-baseline``'s ``--expires``.

    Raises ``UsageError`` or ``TriageInputError``, both exit 2.
    """
    if write_to is not None and expires is None:
        raise UsageError("--write-baseline needs --expires DATE (when its entries expire)")
    if expires is not None:
        if write_to is None:
            raise UsageError("--expires applies to --write-baseline FILE only")
        if expires <= date.today():
            raise UsageError(
                f"--expires {expires.isoformat()} is not in the future: "
                "written entries would have expired already"
            )
    return TriageInputs(
        baseline=None if baseline is None else load_baseline(baseline),
        previous=None if previous is None else load_previous(previous),
        baseline_source=None if baseline is None else str(baseline),
    )


def triage(
    report: RunReport, inputs: TriageInputs, *, flaky_policy: FlakyPolicy, completed: bool
) -> None:
    """Tell the report's findings apart: new, known (baselined), recurring, fixed, flaky."""
    report.triage = classify(
        report.findings,
        today=date.today(),
        flaky_policy=flaky_policy,
        baseline=inputs.baseline,
        baseline_source=inputs.baseline_source,
        previous=inputs.previous,
        # The rate-limit finding ("limits") is judged on every run that sends anything.
        checked_clauses={c.clause for c in report.clauses if c.checked} | {"limits"},
        completed=completed,
    )


def write_baseline_file(
    path: Path, expires: date, inputs: TriageInputs, report: RunReport, out: TextIO
) -> None:
    """An entry for each finding of ``report``, after the ones ``--baseline`` had."""
    if report.aborted or report.cut_short:
        print(f"baseline not written to {path}: the run did not complete", file=out)
        return
    kept = inputs.baseline or []
    note = f"{date.today().isoformat()}, target {report.target}, seed {report.seed}"
    translated = {entry.fingerprint: now for entry, now in report.triage.translated}
    added = write_baseline(
        path, kept, report.findings, expires=expires, note=note, translated=translated
    )
    print(
        f"baseline written to {path}: {added} new entry(ies) expiring {expires.isoformat()}"
        + (f", {len(kept)} kept from --baseline" if kept else ""),
        file=out,
    )
