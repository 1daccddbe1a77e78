"""``cf-conformance run``: the target, the budgets and the phases, then the reports."""

from __future__ import annotations

import os
import random
import shlex
import sys
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from conformance.clauses import CLAUSES
from conformance.exit_codes import ExitCode
from conformance.reports import Progress, RunReport, print_plan, write_reports
from conformance.run.budget import cut_short, planned_phases, run_seconds
from conformance.run.client import TargetClient
from conformance.run.credentials import Redactor
from conformance.run.deadline import Deadline
from conformance.run.phase_order import run_phases
from conformance.run.phases import PhaseContext
from conformance.run.preconditions import (
    EmbeddedTarget,
    UsageError,
    check_context,
    guard_production,
    open_target,
    resolve_profile,
)
from conformance.run.probes import plan_probes
from conformance.run.profiles import Profile
from conformance.run.recorder import Recorder
from conformance.run.replay import replay_findings
from conformance.run.reporting import complete_report, dry_run_plan
from conformance.run.silences import report_skipped
from conformance.run.target import ConfigError, Target
from conformance.run.triage_files import (
    TriageInputs,
    read_triage_inputs,
    triage,
    write_baseline_file,
)
from conformance.triage import TriageInputError

__all__ = ["EmbeddedTarget", "RunOptions", "UsageError", "execute"]


@dataclass
class RunOptions:
    target: Path | None = None
    profile: str = "default"
    seed: int | None = None
    max_examples: int | None = None
    junit_xml: Path | None = None
    report_json: Path | None = None
    report_md: Path | None = None
    hypothesis_db: Path | None = None
    only: frozenset[str] | None = None
    dry_run: bool = False
    allow_production: bool = False
    baseline: Path | None = None
    """Known failures (TOML): findings they cover do not fail the run until they expire."""
    write_baseline: Path | None = None
    """Write a baseline with an entry for each finding of this run (needs ``expires``)."""
    expires: date | None = None
    previous: Path | None = None
    """The JSON report of the previous run, to tell new findings from old and fixed ones."""
    concurrency: int | None = None
    """Requests in flight at once; ``None`` keeps the target's ``limits.concurrency``."""
    max_run_seconds: float | None = None
    """The run's time budget; ``None`` keeps ``limits.max_run_seconds``, else the profile's."""


def execute(
    options: RunOptions,
    *,
    out: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    embedded: EmbeddedTarget | None = None,
) -> int:
    """Run the suite against ``options.target``, or, without one, what ``embedded`` opens.

    ``environ`` (default: the process environment) supplies the target file's secrets and
    ``GITHUB_STEP_SUMMARY``.
    """
    out = out or sys.stdout
    environ = os.environ if environ is None else environ
    try:
        inputs = read_triage_inputs(
            baseline=options.baseline,
            previous=options.previous,
            write_to=options.write_baseline,
            expires=options.expires,
        )
        with open_target(options.target, options.concurrency, environ, out, embedded) as target:
            redactor = Redactor.for_credentials(target.credentials)
            try:
                return _run(options, target, out, redactor, environ, inputs=inputs)
            except (ConfigError, UsageError):
                raise
            except Exception as exc:
                # A bug in the suite itself: keep the traceback, but never the secrets.
                trace = "".join(traceback.format_exception(exc))
                print(redactor.text(trace), file=sys.stderr)
                print(
                    f"cf-conformance run: aborted by an internal error ({type(exc).__name__})",
                    file=sys.stderr,
                )
                return ExitCode.UNREACHABLE
    except (ConfigError, UsageError, TriageInputError) as exc:
        print(f"cf-conformance run: {exc}", file=sys.stderr)
        return ExitCode.USAGE


def _run(
    options: RunOptions,
    target: Target,
    out: TextIO,
    redactor: Redactor,
    environ: Mapping[str, str],
    *,
    inputs: TriageInputs,
) -> int:
    profile = resolve_profile(options.profile, target, max_examples=options.max_examples)
    context = check_context(target)
    guard_production(target, allow=options.allow_production, out=out)
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**32)
    probes, skipped_probes = plan_probes(target, seed=seed)
    budget = target.limits.max_write_requests or profile.max_write_requests
    seconds = run_seconds(options.max_run_seconds, target.limits.max_run_seconds, profile)
    if options.dry_run:
        plan = dry_run_plan(
            target,
            profile,
            seed=seed,
            probes=probes,
            skipped=skipped_probes,
            redactor=redactor,
            write_budget=budget,
        )
        print_plan(plan, out)
        return ExitCode.OK
    started = time.monotonic()
    report = RunReport(
        target=target.name,
        base_url=target.base_url,
        profile=profile.name,
        seed=seed,
        concurrency=target.limits.concurrency,
        rerun=_rerun_command(options, profile, seed, target.limits.concurrency),
    )
    progress = Progress(out)
    progress.line(
        f"cf-conformance: target {target.name} ({target.base_url}), "
        f"profile {profile.name}, seed {seed}, concurrency {target.limits.concurrency}, "
        f"time budget {seconds:g} s"
    )
    recorder = Recorder(context=context, redactor=redactor, seed=seed, only=options.only)
    deadline = Deadline(seconds)
    with TargetClient(target, max_write_requests=budget, deadline=deadline) as client:
        phase = PhaseContext(
            client=client,
            recorder=recorder,
            progress=progress,
            seed=seed,
            database_dir=str(options.hypothesis_db) if options.hypothesis_db else None,
        )
        try:
            completed = run_phases(phase, profile, probes, report)
            if report.aborted is None and not deadline.ran_out:
                replay_findings(phase)
        finally:
            phase.close()
    if deadline.ran_out:
        report.cut_short = cut_short(
            deadline,
            planned_phases(profile, readback=target.readback is not None),
            phase.begun,
        )
        progress.line(f"run cut short: {report.cut_short}")
    report_skipped(report, phase.silences)
    skipped = [(clause, p.reason) for p in skipped_probes for clause in p.clauses]
    complete_report(report, recorder, client.stats, target.limits, [*phase.skipped, *skipped])
    triage(report, inputs, flaky_policy=target.flaky, completed=completed)
    report.duration_seconds = time.monotonic() - started
    write_reports(
        report,
        out,
        environ=environ,
        json_path=options.report_json,
        markdown_path=options.report_md,
        junit_path=options.junit_xml,
    )
    if options.write_baseline is not None and options.expires is not None:
        write_baseline_file(options.write_baseline, options.expires, inputs, report, out)
    if report.refused_credential is not None:
        return ExitCode.USAGE  # the set-up's fault, not the target's
    if report.aborted:
        return ExitCode.UNREACHABLE
    if report.cut_short:
        return ExitCode.CUT_SHORT
    return ExitCode.OK if report.passed else ExitCode.FAILED


def _rerun_command(options: RunOptions, profile: Profile, seed: int, concurrency: int) -> str:
    # The concurrency too: the same seed sends the same requests only with the same runs.
    parts = ["cf-conformance", "run"]
    if options.target is not None:
        parts += ["--target", str(options.target)]
    parts += ["--profile", profile.name, "--seed", str(seed), "--concurrency", str(concurrency)]
    if options.max_examples is not None:
        parts += ["--max-examples", str(options.max_examples)]
    if options.max_run_seconds is not None:
        parts += ["--max-run-seconds", f"{options.max_run_seconds:g}"]
    if options.only:
        parts += ["--only", ",".join(sorted(options.only, key=list(CLAUSES).index))]
    return " ".join(shlex.quote(part) for part in parts)
