"""Benchmarks of the suite against the embedded reference API: ``python -m benchmarks``.

Not part of the installed packages and never run by CI: ``nox -s bench -- --json PATH``
runs every measurement in one process and writes the figures BENCHMARKS.md quotes.
"""

from benchmarks.cli import main

__all__ = ["main"]
