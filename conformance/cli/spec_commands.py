"""``cf-conformance spec check|diff``: is the spec valid, and has the published one moved?

``spec update`` (re-vendoring) is internal: ``nox -s spec-update -- URL`` calls it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from conformance.exit_codes import ExitCode
from conformance.openapi import (
    ChangeClass,
    SpecDifference,
    SpecLoadError,
    VendorError,
    count_by_class,
    diff_documents,
    file_sha256,
    find_spec_findings,
    load_corrections,
    load_document,
    revendor,
    validate_document,
    vendored_spec_path,
)
from conformance.openapi.fetch import (
    LoadedSpec,
    SpecSourceError,
    SpecUnreachableError,
    load_spec_source,
)

__all__ = ["register"]


def register(commands: Any) -> None:
    spec = commands.add_parser("spec", help="inspect the vendored OpenAPI spec")
    spec_commands = spec.add_subparsers(dest="spec_command", metavar="SPEC_COMMAND")
    spec_commands.required = True
    check = spec_commands.add_parser(
        "check",
        help="validate the spec and list findings about it",
        description=(
            "Validate the spec with openapi-spec-validator and list findings about it. "
            "Findings are warnings: exit 0 when the spec is valid, 1 when it is invalid."
        ),
    )
    check.add_argument(
        "--spec", type=Path, metavar="FILE", help="spec to check (default: the vendored one)"
    )
    check.set_defaults(handler=run_check)
    _register_diff(spec_commands)
    _register_update(spec_commands)


def _register_diff(spec_commands: Any) -> None:
    diff = spec_commands.add_parser(
        "diff",
        help="classify how another copy of the spec differs from the vendored one",
        description=(
            "Compare the operations the suite uses, and every schema they reach, between the "
            "vendored spec and OTHER. Each difference is breaking, additive or cosmetic. "
            "Exit 0 when nothing is breaking, 1 when something is, 2 on a usage error, "
            "3 when a URL is unreachable."
        ),
    )
    diff.add_argument("other", metavar="OTHER", help="spec file path or http(s) URL")
    diff.add_argument(
        "--against",
        default="vendored",
        metavar="vendored|FILE",
        help="the baseline to compare with (default: the vendored spec)",
    )
    diff.set_defaults(handler=run_diff)


def _register_update(spec_commands: Any) -> None:
    # No help text: argparse then leaves it out of the listing; `nox -s spec-update` is the
    # documented way in.
    update = spec_commands.add_parser(
        "update",
        description="Re-vendor the spec from SOURCE into DIR (shows the diff first).",
    )
    update.add_argument("source", metavar="SOURCE", help="spec URL (or file path)")
    update.add_argument(
        "--spec-dir",
        type=Path,
        default=Path("spec"),
        metavar="DIR",
        help="folder holding openapi.yaml and PROVENANCE.toml (default: ./spec)",
    )
    update.set_defaults(handler=run_update)


def run_check(args: argparse.Namespace) -> int:
    path: Path = args.spec or vendored_spec_path()
    if not path.is_file():
        print(f"spec check: {path}: no such file (pass an existing --spec FILE)", file=sys.stderr)
        return ExitCode.USAGE
    try:
        document = load_document(path)
    except SpecLoadError as exc:
        print(f"spec check: invalid: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    print(f"spec: {path} (sha256 {file_sha256(path)[:12]})")
    errors = validate_document(document)
    if errors:
        print(f"INVALID: {len(errors)} error(s) from openapi-spec-validator")
        for error in errors:
            print(f"  error  {error}")
        return ExitCode.FAILED
    print(f"valid: OpenAPI {document.get('openapi')}")
    findings = find_spec_findings(document, load_corrections())
    print(f"{len(findings)} finding(s) about the spec (warnings; known defects carry their id):")
    for finding in findings:
        label = finding.defect or "--"
        print(f"  {label:<3} {finding.rule:<24} {finding.pointer}")
        print(f"      {finding.message}")
    return ExitCode.OK


ADDITIVE_NOTE = (
    "note: additive changes need no code change: the strategies derive from the spec, so "
    "re-vendoring (nox -s spec-update -- URL) makes them generate the new values."
)
BREAKING_NOTE = (
    "breaking: a client written against the vendored spec may fail against this one. "
    "Review the changes, then re-vendor with `nox -s spec-update -- URL` and update "
    "spec/corrections.yaml and the contract where needed."
)


def run_diff(args: argparse.Namespace) -> int:
    try:
        old_label, old = _baseline(args.against)
        other = load_spec_source(args.other)
    except SpecSourceError as exc:
        print(f"spec diff: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except SpecUnreachableError as exc:
        print(f"spec diff: unreachable: {exc}", file=sys.stderr)
        return ExitCode.UNREACHABLE
    print(f"spec diff: {old_label} -> {other.source}")
    differences = diff_documents(old, other.document)
    return _print_differences(differences)


def run_update(args: argparse.Namespace) -> int:
    spec_dir: Path = args.spec_dir
    if not (spec_dir / "openapi.yaml").is_file() or not (spec_dir / "PROVENANCE.toml").is_file():
        print(
            f"spec update: {spec_dir} holds no openapi.yaml and PROVENANCE.toml; "
            "run from the repository root or pass --spec-dir",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    try:
        new = load_spec_source(args.source)
        old = load_document(spec_dir / "openapi.yaml")
    except (SpecSourceError, SpecLoadError) as exc:
        print(f"spec update: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except SpecUnreachableError as exc:
        print(f"spec update: unreachable: {exc}", file=sys.stderr)
        return ExitCode.UNREACHABLE
    print(f"spec update: {spec_dir / 'openapi.yaml'} -> {new.source}")
    _print_differences(diff_documents(old, new.document))
    return _write(new, spec_dir)


def _write(new: LoadedSpec, spec_dir: Path) -> int:
    try:
        result = revendor(new, spec_dir)
    except VendorError as exc:
        print(f"spec update: not re-vendored: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    if not result.changed:
        print(f"{result.spec_path} is already up to date (sha256 {result.provenance.sha256[:12]})")
    else:
        how = "as served" if result.stored_as_served else "extracted and converted to YAML"
        print(
            f"wrote {result.spec_path} ({how}, sha256 {result.provenance.sha256[:12]}) "
            f"and {result.spec_path.parent / 'PROVENANCE.toml'}"
        )
    for message in result.stale_corrections:
        print(f"warning: correction {message}; review corrections.yaml")
    return ExitCode.OK


def _baseline(against: str) -> tuple[str, dict[str, Any]]:
    if against == "vendored":
        path = vendored_spec_path()
        return f"vendored spec (sha256 {file_sha256(path)[:12]})", load_document()
    loaded = load_spec_source(against)
    return loaded.source, loaded.document


def _print_differences(differences: list[SpecDifference]) -> int:
    if not differences:
        print("no differences in the operations and schemas the suite uses")
        return ExitCode.OK
    order = list(ChangeClass)
    for difference in sorted(differences, key=lambda item: order.index(item.change)):
        print(f"  {difference}")
    counts = count_by_class(differences)
    print(", ".join(f"{counts[change]} {change.value}" for change in ChangeClass))
    if counts[ChangeClass.ADDITIVE]:
        print(ADDITIVE_NOTE)
    if counts[ChangeClass.BREAKING]:
        print(BREAKING_NOTE)
        return ExitCode.FAILED
    return ExitCode.OK
