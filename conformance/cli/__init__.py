"""The ``cf-conformance`` command line: one module per sub-command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from conformance import __version__
from conformance.cli import run_command, serve_command, spec_commands
from conformance.exit_codes import ExitCode

__all__ = ["build_parser", "main"]

# Each module contributes its sub-commands through ``register(subparsers)``; the parsed
# namespace carries the handler as ``handler``.
COMMAND_MODULES = (run_command, spec_commands, serve_command)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits 2 already; this keeps the message to one line plus a hint.
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n(see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cf-conformance",
        description="Contract-testing and spec-conformance suite for the ContraForce v2 API.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("cf-conformance: interrupted", file=sys.stderr)
        return ExitCode.UNREACHABLE
