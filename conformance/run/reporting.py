"""The run's side of the reports: what it planned and counted, as plain report data.

The report writers (``conformance.reports``) know nothing of the run layer; this module hands
them redacted values only.
"""

from __future__ import annotations

from collections.abc import Sequence

from conformance.reports import FailureRecord, Finding, PlannedProbe, RunPlan, RunReport
from conformance.run.client import ClientStats
from conformance.run.credentials import Redactor
from conformance.run.probes import Probe, SkippedProbe
from conformance.run.profiles import Profile
from conformance.run.recorder import Recorder
from conformance.run.target import Limits, Target
from conformance.triage import identify

__all__ = ["complete_report", "dry_run_plan"]


def complete_report(
    report: RunReport,
    recorder: Recorder,
    stats: ClientStats,
    limits: Limits,
    skipped: Sequence[tuple[str, str]],
) -> None:
    """Fill the report from what the recorder and the client counted."""
    report.clauses = recorder.clause_results(skipped)
    report.findings = recorder.findings.findings()
    report.notes += recorder.notes
    report.first_failure_at = recorder.first_failure_at
    report.requests = stats.requests
    report.retried_429 = stats.retried_429
    report.retried_network = stats.retried_network
    if stats.given_up_429:
        report.notes.append(
            f"{stats.given_up_429} request(s) were still throttled (429) after retries "
            "and were not judged"
        )
    if stats.share_429 > limits.max_429_share:
        report.findings.append(
            _rate_limit_finding(stats.share_429, limits.max_429_share, report.seed)
        )


def _rate_limit_finding(share: float, allowed: float, seed: int) -> Finding:
    title, at = "Too many requests were throttled", "the whole run"
    identity = identify(clause="limits", check="max_429_share", title=title, at=at)
    record = FailureRecord(
        clause="limits",
        check="max_429_share",
        message=(
            f"{title}\n"
            f"Received: {share:.0%} of requests answered 429\n"
            f"Expected: at most {allowed:.0%} (limits.max_429_share)\n"
            f"At: {at}"
        ),
        phase="run",
        request={},
        response={"status": 429},
        curl="",
        seed=seed,
    )
    return Finding(identity=identity, kinds={"run": 1}, example=record)


def dry_run_plan(
    target: Target,
    profile: Profile,
    *,
    seed: int,
    probes: Sequence[Probe],
    skipped: Sequence[SkippedProbe],
    redactor: Redactor,
    write_budget: int,
) -> RunPlan:
    """What ``--dry-run`` prints: the probes as they would be sent, redacted."""
    planned = [
        PlannedProbe(
            name=probe.name,
            clauses=probe.clauses,
            method=probe.request.method,
            path=probe.request.path,
            headers=redactor.headers(dict(probe.request.headers)),
            body=(
                redactor.text(probe.request.content.decode("utf-8", "replace"))
                if probe.request.content
                else None
            ),
        )
        for probe in probes
    ]
    return RunPlan(
        base_url=target.base_url,
        profile=profile.name,
        seed=seed,
        probes=planned,
        skipped=[(entry.name, entry.reason) for entry in skipped],
        property_examples=profile.property_examples,
        invalid_examples=profile.invalid_examples,
        leak_sequences=profile.leak_sequences,
        fuzz_examples=profile.fuzz_examples,
        write_budget=write_budget,
    )
