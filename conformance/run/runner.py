"""``cf-conformance run``: preflight, probes, properties, fuzzing, then the reports."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shlex
import sys
import time
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
from hypothesis import strategies as st

import strategies
from conformance.checks import BodyIntent, CheckContext, Intent
from conformance.exit_codes import ExitCode
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reports import (
    FailureRecord,
    Progress,
    RunReport,
    render_table,
    write_json,
    write_junit,
    write_markdown,
)
from conformance.run.client import (
    ClientStats,
    PlannedRequest,
    TargetClient,
    TargetUnreachable,
    WriteBudgetExceeded,
)
from conformance.run.credentials import Credential, Redactor
from conformance.run.guard import production_reason
from conformance.run.phases import PhaseContext, run_probes
from conformance.run.probes import Probe, plan_probes
from conformance.run.profiles import PROFILES, Profile, resize_profile
from conformance.run.properties import PhaseAborted, run_property
from conformance.run.recorder import Recorder
from conformance.run.target import ConfigError, Limits, Target, load_target
from conformance.sandbox import Sandbox

__all__ = ["RunOptions", "execute"]

PREFLIGHT_TIMEOUT = 5.0
UNKNOWN_CAP_BATCH = 20
PREFLIGHT_ATTEMPTS = 3
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


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
    reference_faults: tuple[str, ...] = field(default=())
    """Faults to switch on in the embedded reference API (self-tests and benchmarks)."""


class UsageError(Exception):
    """A problem the user can fix from the command line or the target file (exit 2)."""


def execute(
    options: RunOptions,
    *,
    out: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    out = out or sys.stdout
    try:
        with _target(options, os.environ if environ is None else environ, out) as target:
            redactor = Redactor.for_credentials(target.credentials)
            try:
                return _run(options, target, out, redactor)
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
    except (ConfigError, UsageError) as exc:
        print(f"cf-conformance run: {exc}", file=sys.stderr)
        return ExitCode.USAGE


@contextlib.contextmanager
def _target(options: RunOptions, environ: Mapping[str, str], out: TextIO) -> Iterator[Target]:
    if options.target is not None:
        if options.reference_faults:
            raise UsageError("--reference-fault applies to the embedded reference API only")
        yield load_target(options.target, environ)
        return
    # Only the embedded mode needs the server and its dependencies.
    from conformance.reference import ReferenceServer  # noqa: PLC0415

    try:
        server = ReferenceServer(faults=options.reference_faults)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with server:
        print(
            f"no --target given: running against the embedded reference API at {server.base_url}",
            file=out,
        )
        if options.reference_faults:
            print(
                f"reference API faults switched on: {', '.join(options.reference_faults)}", file=out
            )
        creds = server.credentials
        yield Target(
            name="reference",
            base_url=server.base_url,
            writer=Credential("basic", creds.writer.client_id, creds.writer.secret),
            no_scope=Credential("basic", creds.no_scope.client_id, creds.no_scope.secret),
            sandbox=server.sandbox,
            limits=Limits(max_items=server.max_items),
        )


def _profile(options: RunOptions, target: Target) -> Profile:
    if options.profile not in PROFILES:
        raise UsageError(f"unknown profile {options.profile!r}: use one of {', '.join(PROFILES)}")
    base = PROFILES[options.profile]
    try:
        return resize_profile(
            base, target.profile_sizes.get(base.name, {}), max_examples=options.max_examples
        )
    except TypeError as exc:
        raise UsageError(f"profiles.{base.name}: {exc}") from None


def _check_context(target: Target) -> CheckContext:
    try:
        return CheckContext.with_codes(target.problem_codes, relaxed=target.relax)
    except ValueError as exc:
        raise UsageError(f"checks.relax: {exc}") from None


def _guard(options: RunOptions, target: Target, out: TextIO) -> None:
    reason = production_reason(target.base_url, target.production_hosts)
    if reason is None:
        return
    if not options.allow_production:
        raise UsageError(
            f"base_url {target.base_url} looks like production: {reason}. Nothing was sent. "
            "Point the target at a staging deployment, or pass --allow-production to override"
        )
    if not (target.sandbox.writable or target.sandbox.foreign):
        raise UsageError(
            "--allow-production needs a non-empty [sandbox]: "
            "list the incidents set aside for the suite"
        )
    print(
        f"WARNING: running against a production-looking host ({reason}) "
        "because --allow-production was given",
        file=out,
    )


def _run(options: RunOptions, target: Target, out: TextIO, redactor: Redactor) -> int:
    profile = _profile(options, target)
    context = _check_context(target)
    _guard(options, target, out)
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**32)
    probes, skipped_probes = plan_probes(target, seed=seed)
    if options.dry_run:
        _print_plan(
            out,
            target=target,
            profile=profile,
            seed=seed,
            probes=probes,
            skipped=skipped_probes,
            redactor=redactor,
        )
        return ExitCode.OK
    budget = target.limits.max_write_requests or profile.max_write_requests
    started = time.monotonic()
    report = RunReport(
        target=target.name,
        base_url=target.base_url,
        profile=profile.name,
        seed=seed,
        rerun=_rerun_command(options, profile, seed),
    )
    progress = Progress(out)
    progress.line(
        f"cf-conformance: target {target.name} ({target.base_url}), "
        f"profile {profile.name}, seed {seed}"
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
        _run_phases(phase, target, profile, probes, report)
    skipped = [(clause, p.reason) for p in skipped_probes for clause in p.clauses]
    skipped.append(("C21", "the vendored spec has no read-back operation yet"))
    _complete(report, recorder, client.stats, target.limits, [*phase.skipped, *skipped])
    report.duration_seconds = time.monotonic() - started
    _write_reports(report, options, out)
    if report.aborted:
        return ExitCode.UNREACHABLE
    return ExitCode.OK if report.passed else ExitCode.FAILED


def _run_phases(
    phase: PhaseContext, target: Target, profile: Profile, probes: list[Probe], report: RunReport
) -> None:
    """Preflight, probes, properties, fuzzing; an unreachable target stops them all."""
    redactor = phase.recorder.redactor
    try:
        _preflight(target)
        run_probes(phase, probes)
        _run_properties(phase, target, profile)
        if profile.fuzz_examples:
            # schemathesis takes a while to import; profiles without fuzzing skip it.
            from conformance.run.fuzzing import run_fuzzing  # noqa: PLC0415

            run_fuzzing(phase, examples=profile.fuzz_examples)
    except TargetUnreachable as exc:
        report.aborted = redactor.text(str(exc))
    except PhaseAborted as exc:
        if isinstance(exc.cause, WriteBudgetExceeded):
            report.notes.append(f"stopped early: {exc.cause}")
        else:
            report.aborted = redactor.text(f"{type(exc.cause).__name__}: {exc.cause}")
    except WriteBudgetExceeded as exc:
        report.notes.append(f"stopped early: {exc}")


def _complete(
    report: RunReport,
    recorder: Recorder,
    stats: ClientStats,
    limits: Limits,
    skipped: list[tuple[str, str]],
) -> None:
    """Fill the report from what the recorder and the client counted."""
    report.clauses = recorder.clause_results(skipped)
    report.failures = list(recorder.records)
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
        report.failures.append(
            _rate_limit_failure(stats.share_429, limits.max_429_share, report.seed)
        )


def _rerun_command(options: RunOptions, profile: Profile, seed: int) -> str:
    parts = ["cf-conformance", "run"]
    if options.target is not None:
        parts += ["--target", str(options.target)]
    parts += ["--profile", profile.name, "--seed", str(seed)]
    if options.max_examples is not None:
        parts += ["--max-examples", str(options.max_examples)]
    if options.only:
        parts += ["--only", ",".join(sorted(options.only, key=lambda c: int(c[1:])))]
    return " ".join(shlex.quote(part) for part in parts)


def _preflight(target: Target) -> None:
    """Is anything answering at ``base_url``? Any HTTP answer will do; only silence fails."""
    last: Exception | None = None
    for attempt in range(PREFLIGHT_ATTEMPTS):
        try:
            httpx.get(target.base_url + BULK_UPDATE_PATH, timeout=PREFLIGHT_TIMEOUT)
            return
        except httpx.HTTPError as exc:
            last = exc
            if attempt < PREFLIGHT_ATTEMPTS - 1:
                time.sleep(0.5 * 2**attempt)
    host = httpx.URL(target.base_url).host
    raise TargetUnreachable(f"{host} is unreachable at preflight ({type(last).__name__}: {last})")


def _run_properties(phase: PhaseContext, target: Target, profile: Profile) -> None:
    sandbox, auth = target.sandbox, target.writer.authorization()
    # Generated batches stay within the server's cap, so a 400 for one is a finding; with
    # the cap unknown (S8) they stay small enough for any plausible cap.
    max_items = min(target.limits.max_items or UNKNOWN_CAP_BATCH, 100)

    def post(body: Any) -> PlannedRequest:
        # Bytes are a body already written out: text that is not strict JSON.
        content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        return PlannedRequest(
            "POST", BULK_UPDATE_PATH, {**JSON_HEADERS, "Authorization": auth}, content
        )

    def valid(example: strategies.BulkUpdateExample) -> list[tuple[PlannedRequest, Intent]]:
        body: BodyIntent = "valid" if example.vouched else "unknown"
        return [(post(example.body), Intent(auth="valid", body=body, expected=example.expected))]

    def invalid(labelled: tuple[Any, strategies.Violation]) -> list[tuple[PlannedRequest, Intent]]:
        body, violation = labelled
        return [(post(body), Intent(auth="valid", body="invalid", violation_path=violation.path))]

    def sequence(
        examples: list[strategies.BulkUpdateExample],
    ) -> list[tuple[PlannedRequest, Intent]]:
        return [plan for example in examples for plan in valid(example)]

    requests = strategies.bulk_update_requests(sandbox, max_items=max_items)
    run_property(
        phase, "valid bulk updates", requests, valid, max_examples=profile.property_examples
    )
    run_property(
        phase,
        "invalid bulk updates",
        _invalid_bodies(sandbox, max_items=min(max_items, 10)),
        invalid,
        max_examples=profile.invalid_examples,
    )
    small = strategies.bulk_update_requests(sandbox, max_items=10)
    run_property(
        phase,
        "no id leaks across requests",
        st.lists(small, min_size=2, max_size=4),
        sequence,
        max_examples=profile.leak_sequences,
    )


def _invalid_bodies(sandbox: Sandbox, *, max_items: int) -> st.SearchStrategy[Any]:
    """Schema violations, and one draw in five a valid body that is not strict JSON."""
    walker = strategies.invalid_bulk_update_requests(sandbox, max_items=max_items)
    lenient = strategies.not_strict_json_bulk_requests(sandbox, max_items=max_items)
    return st.integers(0, 4).flatmap(lambda n: lenient if n == 0 else walker)


def _rate_limit_failure(share: float, allowed: float, seed: int) -> FailureRecord:
    return FailureRecord(
        clause="limits",
        check="max_429_share",
        message=(
            "Too many requests were throttled\n"
            f"Received: {share:.0%} of requests answered 429\n"
            f"Expected: at most {allowed:.0%} (limits.max_429_share)\n"
            "At: the whole run"
        ),
        phase="run",
        request={},
        response={"status": 429},
        curl="",
        seed=seed,
    )


def _print_plan(
    out: TextIO,
    *,
    target: Target,
    profile: Profile,
    seed: int,
    probes: list[Any],
    skipped: list[Any],
    redactor: Redactor,
) -> None:
    print(f"dry run: nothing is sent to {target.base_url}", file=out)
    print(f"profile {profile.name}, seed {seed}", file=out)
    print(f"{len(probes)} probes:", file=out)
    for probe in probes:
        request = probe.request
        headers = redactor.headers(dict(request.headers))
        body = (
            redactor.text(request.content.decode("utf-8", "replace"))
            if request.content
            else "(no body)"
        )
        print(f"  - {probe.name} [{', '.join(probe.clauses)}]", file=out)
        print(f"    {request.method} {request.path} {json.dumps(headers)}", file=out)
        print(f"    {body[:300]}{'...' if len(body) > 300 else ''}", file=out)
    for entry in skipped:
        print(f"  - skipped: {entry.name}: {entry.reason}", file=out)
    print(
        f"then up to {profile.property_examples} valid and {profile.invalid_examples} "
        f"invalid generated requests, {profile.leak_sequences} multi-request sequences and "
        f"{profile.fuzz_examples} schemathesis examples per mode; write budget "
        f"{target.limits.max_write_requests or profile.max_write_requests} requests",
        file=out,
    )


def _write_reports(report: RunReport, options: RunOptions, out: TextIO) -> None:
    print(file=out)
    print(render_table(report), file=out)
    for failure in report.failures:
        print(
            f"\n--- {failure.clause} {failure.check} ({failure.phase})\n{failure.message}", file=out
        )
        if failure.curl:
            print(f"reproduce: {failure.curl}", file=out)
    if options.report_json:
        write_json(report, options.report_json)
    if options.report_md:
        write_markdown(report, options.report_md)
    if options.junit_xml:
        write_junit(report, options.junit_xml)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        write_markdown(report, Path(summary), append=True)
    for label, path in (
        ("JSON", options.report_json),
        ("Markdown", options.report_md),
        ("JUnit", options.junit_xml),
    ):
        if path:
            print(f"{label} report: {path}", file=out)
