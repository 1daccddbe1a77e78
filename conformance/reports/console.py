"""Console output: progress while the run goes, and the per-clause table at the end."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from conformance.reports.model import RunReport

__all__ = ["Progress", "render_table"]

MARK = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}


class Progress:
    """Phase-by-phase progress lines; on a terminal, one line updated in place.

    CI logs get a line at every fifth of the planned count instead, so they stay readable.
    The count is of requests sent: shrinking a failure sends more than were planned. Requests
    sent from several threads at once advance it one at a time.
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
        self._next_report = 0
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        if not self._quiet:
            print(text, file=self._stream, flush=True)

    def start(self, phase: str, total: int) -> None:
        self._phase, self._total, self._done, self._failures = phase, total, 0, 0
        self._started = time.monotonic()
        self._next_report = max(total // 5, 1)
        self.line(f"[{phase}] starting: {total} planned")

    def advance(self, *, failures: int = 0) -> None:
        with self._lock:
            self._done += 1
            self._failures += failures
            if self._quiet:
                return
            status = (
                f"[{self._phase}] {self._done} sent ({self._total} planned), "
                f"{self._failures} failing"
            )
            if self._tty:
                print(f"\r{status}", end="", file=self._stream, flush=True)
            elif self._done >= self._next_report:
                self._next_report += max(self._total // 5, 1)
                self.line(status)

    def finish(self, summary: str = "") -> None:
        if self._tty and not self._quiet:
            print(file=self._stream)
        elapsed = time.monotonic() - self._started
        extra = f", {summary}" if summary else ""
        self.line(
            f"[{self._phase}] done: {self._done} sent in {elapsed:.1f} s, "
            f"{self._failures} failing{extra}"
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
    lines += [
        "",
        f"target {report.target} ({report.base_url}), profile {report.profile}, "
        f"seed {report.seed}, concurrency {report.concurrency}",
        f"{report.requests} requests (429 retries {report.retried_429}, network retries "
        f"{report.retried_network}) in {report.duration_seconds:.1f} s: {report.verdict}",
    ]
    if report.rerun:
        lines.append(f"re-run: {report.rerun}")
    return "\n".join(lines)
