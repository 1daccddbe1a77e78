"""``cf-conformance spec check``: is the spec valid, and what is ambiguous about it?"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from conformance.exit_codes import ExitCode
from conformance.openapi import (
    SpecLoadError,
    file_sha256,
    find_spec_findings,
    load_corrections,
    load_document,
    validate_document,
    vendored_spec_path,
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
