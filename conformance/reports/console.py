"""Console output: progress while the run goes, and the per-clause table at the end."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from conformance.reports.model import RunReport

__all__ = ["Progress", "render_table"]

MARK = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}


class Progress:
    """Phase-by-phase progress lines; on a terminal, one line updated in place.

    CI logs get a line at every 10% of a phase instead, so they stay readable.
    """

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self._stream = stream or sys.stdout
        self._tty = self._stream.isatty()
        self._quiet = quiet
        self._phase = ""
        self._total = 0
        self._done = 0
        self._failures = 0
        self._started = 0.0
        self._last_decile = -1

    def line(self, text: str) -> None:
        if not self._quiet:
            print(text, file=self._stream, flush=True)

    def start(self, phase: str, total: int) -> None:
        self._phase, self._total, self._done, self._failures = phase, total, 0, 0
        self._started = time.monotonic()
        self._last_decile = -1
        self.line(f"[{phase}] starting: {total} planned")

    def advance(self, *, failures: int = 0) -> None:
        self._done += 1
        self._failures += failures
        if self._quiet:
            return
        status = f"[{self._phase}] {self._done}/{self._total}, {self._failures} failure(s)"
        if self._tty:
            print(f"\r{status}", end="", file=self._stream, flush=True)
            return
        decile = (10 * self._done) // max(self._total, 1)
        if decile != self._last_decile and decile % 2 == 0:
            self._last_decile = decile
            self.line(status)

    def finish(self, summary: str = "") -> None:
        if self._tty and not self._quiet:
            print(file=self._stream)
        elapsed = time.monotonic() - self._started
        extra = f", {summary}" if summary else ""
        self.line(
            f"[{self._phase}] done: {self._done} in {elapsed:.1f} s, "
            f"{self._failures} failure(s){extra}"
        )


def render_table(report: RunReport) -> str:
    width = max((len(c.title) for c in report.clauses), default=10)
    lines = [
        f"{'clause':<7} {'result':<6} {'checked':>7} {'fail':>5}  {'title':<{width}}  note",
    ]
    for clause in report.clauses:
        lines.append(
            f"{clause.clause:<7} {MARK[clause.status]:<6} {clause.checked:>7} "
            f"{clause.failures:>5}  {clause.title:<{width}}  {clause.reason}".rstrip()
        )
    verdict = (
        f"ABORTED (partial): {report.aborted}"
        if report.aborted
        else ("NOT CONFORMING" if report.failures else "CONFORMING")
    )
    lines += [
        "",
        f"target {report.target} ({report.base_url}), profile {report.profile}, seed {report.seed}",
        f"{report.requests} requests (429 retries {report.retried_429}, network retries "
        f"{report.retried_network}) in {report.duration_seconds:.1f} s: {verdict}",
    ]
    return "\n".join(lines)
