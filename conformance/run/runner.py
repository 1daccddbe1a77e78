"""``cf-conformance run``: preflight, probes, properties, fuzzing, then the reports."""

from __future__ import annotations

import contextlib
import os
import random
import shlex
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from conformance.clauses import CLAUSES
from conformance.concurrency import MAX_CONCURRENCY
from conformance.exit_codes import ExitCode
from conformance.reports import BaselineEntry, Progress, RunReport, print_plan, write_reports
from conformance.run.client import TargetClient, TargetUnreachable, WriteBudgetExceeded
from conformance.run.concurrency import ONE_AT_A_TIME, in_background, quick_thread_switches
from conformance.run.credentials import Redactor
from conformance.run.phases import PhaseContext, run_probes
from conformance.run.preconditions import (
    UsageError,
    check_context,
    guard_production,
    resolve_profile,
)
from conformance.run.probes import Probe, plan_probes
from conformance.run.profiles import Profile
from conformance.run.properties import PhaseAborted, run_properties
from conformance.run.readback import run_readback
from conformance.run.recorder import Recorder
from conformance.run.replay import replay_findings
from conformance.run.reporting import complete_report, dry_run_plan
from conformance.run.target import ConfigError, Target, load_target
from conformance.triage import (
    PreviousRun,
    TriageInputError,
    classify,
    load_baseline,
    load_previous,
    write_baseline,
)

if TYPE_CHECKING:
    from conformance.run.fuzzing import Fuzzing

__all__ = ["EmbeddedTarget", "RunOptions", "UsageError", "execute"]

EmbeddedTarget = Callable[[TextIO], AbstractContextManager[Target]]
"""Opens the target of a run without ``--target``; it may print to ``out`` where that is."""


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


@dataclass(frozen=True)
class _TriageInputs:
    baseline: list[BaselineEntry] | None
    previous: PreviousRun | None


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
        inputs = _triage_inputs(options)
        with _target(options, environ, out, embedded) as target:
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


def _triage_inputs(options: RunOptions) -> _TriageInputs:
    """Read the baseline and the previous report before anything is sent (exit 2 if bad)."""
    if options.write_baseline is not None and options.expires is None:
        raise UsageError("--write-baseline needs --expires DATE (when its entries expire)")
    if options.expires is not None:
        if options.write_baseline is None:
            raise UsageError("--expires applies to --write-baseline FILE only")
        if options.expires <= date.today():
            raise UsageError(
                f"--expires {options.expires.isoformat()} is not in the future: "
                "written entries would have expired already"
            )
    return _TriageInputs(
        baseline=None if options.baseline is None else load_baseline(options.baseline),
        previous=None if options.previous is None else load_previous(options.previous),
    )


@contextlib.contextmanager
def _target(
    options: RunOptions, environ: Mapping[str, str], out: TextIO, embedded: EmbeddedTarget | None
) -> Iterator[Target]:
    if options.target is not None:
        yield _with_concurrency(load_target(options.target, environ), options.concurrency)
    elif embedded is None:
        raise UsageError("no target: pass --target FILE")
    else:
        with embedded(out) as target:
            yield _with_concurrency(target, options.concurrency)


def _with_concurrency(target: Target, concurrency: int | None) -> Target:
    if concurrency is None:
        return target
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UsageError(
            f"--concurrency must be between 1 and {MAX_CONCURRENCY}, got {concurrency}"
        )
    return target.with_concurrency(concurrency)


def _run(
    options: RunOptions,
    target: Target,
    out: TextIO,
    redactor: Redactor,
    environ: Mapping[str, str],
    *,
    inputs: _TriageInputs,
) -> int:
    profile = resolve_profile(options.profile, target, max_examples=options.max_examples)
    context = check_context(target)
    guard_production(target, allow=options.allow_production, out=out)
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**32)
    probes, skipped_probes = plan_probes(target, seed=seed)
    budget = target.limits.max_write_requests or profile.max_write_requests
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
        f"profile {profile.name}, seed {seed}, concurrency {target.limits.concurrency}"
    )
    recorder = Recorder(context=context, redactor=redactor, seed=seed, only=options.only)
    with TargetClient(target, max_write_requests=budget) as client:
        phase = PhaseContext(
            client=client,
            recorder=recorder,
            progress=progress,
            seed=seed,
            database_dir=str(options.hypothesis_db) if options.hypothesis_db else None,
        )
        try:
            completed = _run_phases(phase, profile, probes, report)
            if report.aborted is None:
                replay_findings(phase)
        finally:
            phase.workers.close()
    skipped = [(clause, p.reason) for p in skipped_probes for clause in p.clauses]
    complete_report(report, recorder, client.stats, target.limits, [*phase.skipped, *skipped])
    report.triage = classify(
        report.findings,
        today=date.today(),
        flaky_policy=target.flaky,
        baseline=inputs.baseline,
        baseline_source=None if options.baseline is None else str(options.baseline),
        previous=inputs.previous,
        # The rate-limit finding ("limits") is judged on every run that sends anything.
        checked_clauses={c.clause for c in report.clauses if c.checked} | {"limits"},
        completed=completed,
    )
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
        _write_baseline(options.write_baseline, options.expires, inputs, report, out)
    if report.aborted:
        return ExitCode.UNREACHABLE
    return ExitCode.OK if report.passed else ExitCode.FAILED


def _run_phases(
    phase: PhaseContext, profile: Profile, probes: list[Probe], report: RunReport
) -> bool:
    """Preflight, probes, properties, fuzzing; a target that stops answering stops them all.

    Returns whether every phase ran to its end.
    """
    redactor = phase.recorder.redactor
    try:
        with quick_thread_switches():
            phase.liveness.preflight()
            # After the preflight: its first connection imports modules in this thread.
            fuzzing = _prepare_fuzzing(phase) if profile.fuzz_examples else None
            run_probes(phase, probes)
            run_properties(phase, profile)
            if fuzzing is not None:
                prepared = fuzzing.result()  # the module is loaded once this returns
                from conformance.run.fuzzing import run_fuzzing  # noqa: PLC0415

                run_fuzzing(phase, examples=profile.fuzz_examples, prepared=prepared)
            run_readback(phase, profile)
    except TargetUnreachable as exc:
        report.aborted = redactor.text(str(exc))
    except PhaseAborted as exc:
        if isinstance(exc.cause, WriteBudgetExceeded):
            report.notes.append(f"stopped early: {exc.cause}")
        elif isinstance(exc.cause, TargetUnreachable):
            report.aborted = redactor.text(str(exc.cause))
        else:
            report.aborted = redactor.text(f"{type(exc.cause).__name__}: {exc.cause}")
    except WriteBudgetExceeded as exc:
        report.notes.append(f"stopped early: {exc}")
    else:
        return True
    return False


def _write_baseline(
    path: Path, expires: date, inputs: _TriageInputs, report: RunReport, out: TextIO
) -> None:
    if report.aborted:
        print(f"baseline not written to {path}: the run did not complete", file=out)
        return
    kept = inputs.baseline or []
    note = f"{date.today().isoformat()}, target {report.target}, seed {report.seed}"
    added = write_baseline(path, kept, report.findings, expires=expires, note=note)
    print(
        f"baseline written to {path}: {added} new entry(ies) expiring {expires.isoformat()}"
        + (f", {len(kept)} kept from --baseline" if kept else ""),
        file=out,
    )


def _prepare_fuzzing(phase: PhaseContext) -> Future[Fuzzing]:
    """Load schemathesis while the probes and properties run: they mostly wait for answers."""

    def prepare() -> Fuzzing:
        # Taking turns with the draws: importing schemathesis also imports Hypothesis modules.
        with ONE_AT_A_TIME:
            from conformance.run.fuzzing import prepare_fuzzing  # noqa: PLC0415

            return prepare_fuzzing(phase.client.target)

    return in_background(prepare)


def _rerun_command(options: RunOptions, profile: Profile, seed: int, concurrency: int) -> str:
    # The concurrency too: the same seed sends the same requests only with the same runs.
    parts = ["cf-conformance", "run"]
    if options.target is not None:
        parts += ["--target", str(options.target)]
    parts += ["--profile", profile.name, "--seed", str(seed), "--concurrency", str(concurrency)]
    if options.max_examples is not None:
        parts += ["--max-examples", str(options.max_examples)]
    if options.only:
        parts += ["--only", ",".join(sorted(options.only, key=list(CLAUSES).index))]
    return " ".join(shlex.quote(part) for part in parts)
