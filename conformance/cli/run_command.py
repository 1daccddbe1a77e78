"""``cf-conformance run``: check a target against the contract (default: the reference API)."""

from __future__ import annotations

import argparse
import datetime
import math
import sys
from pathlib import Path
from typing import Any

from conformance.clauses import CLAUSES, canonical_clause_id
from conformance.concurrency import DEFAULT_CONCURRENCY
from conformance.exit_codes import ExitCode
from conformance.limits import LIMIT_RANGES, LimitError

__all__ = ["register"]

EPILOG = """\
exit codes: 0 conforming, or every finding covered by an unexpired --baseline entry (or
flaky, with [checks] flaky = "warn"); 1 non-conformance found (a request left unanswered is
one, C22), or a baseline entry has expired; 2 usage or configuration error (including a
malformed baseline or previous report); 3 target unreachable: nothing answered at
preflight, or it stopped answering altogether, or the run was aborted (a partial report is
still written); 4 cut short: the time budget (--max-run-seconds) ran out, every report is
written with what was judged and what was left undone.
"""


_CLAUSE_RANGE = f"{next(iter(CLAUSES))}..{next(reversed(CLAUSES))}"


def _clause_list(value: str) -> frozenset[str]:
    clauses = frozenset(canonical_clause_id(part) for part in value.split(",") if part.strip())
    unknown = sorted(clauses - set(CLAUSES))
    if unknown or not clauses:
        raise argparse.ArgumentTypeError(
            f"unknown clause id(s) {', '.join(unknown) or '(none given)'}: "
            f"use ids {_CLAUSE_RANGE}, comma-separated, e.g. --only C11,C17"
        )
    return clauses


def _positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {number}")
    return number


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {value!r} (write it as YYYY-MM-DD, e.g. 2026-07-01)"
        ) from None


def _concurrency(value: str) -> int:
    number = int(value)
    try:
        return int(LIMIT_RANGES["concurrency"].checked("concurrency", number))
    except LimitError as exc:
        raise argparse.ArgumentTypeError(exc.problem) from None


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not (math.isfinite(number) and number >= 1):
        raise argparse.ArgumentTypeError(f"must be a number of seconds >= 1, got {value}")
    return number


def register(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="run the conformance suite against a target",
        description=(
            "Run the conformance suite: preflight, deterministic probes, property-based "
            "requests and spec-driven fuzzing. Without --target, an embedded reference API "
            "is started on 127.0.0.1 and the run goes against it."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--target", type=Path, metavar="FILE", help="target file (TOML)")
    run.add_argument(
        "--profile",
        choices=("smoke", "default", "nightly", "release"),
        default="default",
        help="how deep to go (default: %(default)s)",
    )
    run.add_argument("--seed", type=int, help="seed for a reproducible run (default: random)")
    run.add_argument(
        "--max-examples", type=_positive, metavar="N", help="cap every generated phase at N"
    )
    run.add_argument(
        "--concurrency",
        type=_concurrency,
        metavar="N",
        help=(
            "requests in flight at once (default: limits.concurrency from the target file, "
            f"else {DEFAULT_CONCURRENCY}); requests_per_second still caps the rate"
        ),
    )
    run.add_argument(
        "--max-run-seconds",
        type=_seconds,
        metavar="S",
        help=(
            "the run's wall-clock budget: past it nothing more is sent, the reports are "
            "written and the run exits 4 (default: limits.max_run_seconds, else the "
            "profile's: smoke 120, default 600, nightly 2700, release 4500)"
        ),
    )
    run.add_argument("--junit-xml", type=Path, metavar="PATH", help="write a JUnit XML report")
    run.add_argument("--report-json", type=Path, metavar="PATH", help="write a JSON report")
    run.add_argument("--report-md", type=Path, metavar="PATH", help="write a Markdown report")
    run.add_argument(
        "--hypothesis-db",
        type=Path,
        metavar="DIR",
        help="keep Hypothesis examples here, so earlier failures are replayed first",
    )
    run.add_argument(
        "--only", type=_clause_list, metavar="C11,C17,...", help="check only these clauses"
    )
    run.add_argument(
        "--dry-run", action="store_true", help="print the planned requests and send nothing"
    )
    run.add_argument(
        "--allow-production",
        action="store_true",
        help="lift the production guard (needs a non-empty [sandbox])",
    )
    triage = run.add_argument_group("nightly triage")
    triage.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="known failures (TOML): findings they cover pass until their entry expires",
    )
    triage.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="write a baseline with an entry for each finding of this run (needs --expires)",
    )
    triage.add_argument(
        "--expires",
        type=_date,
        metavar="DATE",
        help="when the entries --write-baseline writes expire (YYYY-MM-DD)",
    )
    triage.add_argument(
        "--previous",
        type=Path,
        metavar="REPORT.json",
        help="the previous run's JSON report: findings are then new, still failing or fixed",
    )
    run.add_argument(
        "--reference-fault",
        action="append",
        default=[],
        metavar="NAME",
        help=argparse.SUPPRESS,  # self-tests: switch a fault on in the embedded reference API
    )
    run.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace) -> int:
    # Imported here, not at the top: the run layer is heavy, and ``--help`` should stay fast.
    from conformance.run.runner import RunOptions, execute  # noqa: PLC0415

    faults = tuple(args.reference_fault)
    if faults and args.target is not None:
        print(
            "cf-conformance run: --reference-fault applies to the embedded reference API only",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    options = RunOptions(
        target=args.target,
        profile=args.profile,
        seed=args.seed,
        max_examples=args.max_examples,
        junit_xml=args.junit_xml,
        report_json=args.report_json,
        report_md=args.report_md,
        hypothesis_db=args.hypothesis_db,
        only=args.only,
        dry_run=args.dry_run,
        allow_production=args.allow_production,
        baseline=args.baseline,
        write_baseline=args.write_baseline,
        expires=args.expires,
        previous=args.previous,
        concurrency=args.concurrency,
        max_run_seconds=args.max_run_seconds,
    )
    if args.target is not None:
        return execute(options)
    # Only a run without a target file needs the reference API and its dependencies.
    from conformance.cli.embedded import embedded_reference  # noqa: PLC0415

    return execute(options, embedded=embedded_reference(faults))
