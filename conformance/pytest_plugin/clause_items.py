"""``pytest --cf-run``: the whole ``cf-conformance run`` as pytest items, one per clause.

The run happens once, when the first selected item is set up, through the run layer's own
``execute``; each item then reports its clause's verdict (passed, failed with the recorded
failures and their reproducers, or skipped with the reason). pytest's JUnit XML, ``-k`` and
``-m`` selection and reporting plugins thus work on the run's verdict. Only the clauses of
the selected items are checked (the run's ``--only``).

One more item, ``run``, stands for the run as a whole: it fails when the run was aborted
(the target became unreachable), was cut short by its time budget (``limits.max_run_seconds``)
or broke a limit that is no clause (``limits.max_429_share``).
"""

from __future__ import annotations

import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance.clauses import CLAUSES
from conformance.pytest_plugin.session import ContractSession
from conformance.reports import ClauseResult, Finding, RunReport, Triage, render_table

__all__ = [
    "RUN_ITEM",
    "RUN_NODE",
    "ClauseItem",
    "ConformanceRun",
    "RunItem",
    "RunResult",
    "clause_failure_text",
    "clause_items",
]

RUN_NODE = "cf-conformance"
RUN_ITEM = "run"


class ClauseFailed(AssertionError):
    """A clause failed in the run; the message lists the recorded failures."""


class RunAborted(RuntimeError):
    """The run stopped early, so this clause could not be judged."""


@dataclass
class RunResult:
    """What ``cf-conformance run`` reported, read back from its JSON report."""

    exit_code: int
    console: str
    """What the run printed: progress, the clause table, the failures (all redacted)."""
    report: dict[str, Any]

    @property
    def seed(self) -> int:
        seed: int = self.report["seed"]
        return seed

    @property
    def aborted(self) -> str | None:
        aborted: str | None = self.report["aborted"]
        return aborted

    @property
    def cut_short(self) -> str | None:
        cut: str | None = self.report.get("cut_short")
        return cut

    @property
    def notes(self) -> list[str]:
        return list(self.report["notes"])

    @property
    def clauses(self) -> dict[str, dict[str, Any]]:
        return {clause["clause"]: clause for clause in self.report["clauses"]}

    @property
    def failures(self) -> list[dict[str, Any]]:
        """The run's findings: one per fingerprint, each with its minimal example."""
        return list(self.report["findings"])

    def table(self, rerun: str) -> str:
        """The run's clause table and verdict, as ``cf-conformance run`` prints them."""
        stats = self.report["stats"]
        run = RunReport(
            target=self.report["target"],
            base_url=self.report["base_url"],
            profile=self.report["profile"],
            seed=self.seed,
            concurrency=self.report["concurrency"],
            clauses=[ClauseResult(**clause) for clause in self.report["clauses"]],
            findings=[Finding.from_json(finding) for finding in self.failures],
            triage=Triage(flaky_policy=self.report["triage"]["flaky_policy"]),
            requests=stats["requests"],
            retried_429=stats["retried_429"],
            retried_network=stats["retried_network"],
            duration_seconds=stats["duration_seconds"],
            aborted=self.aborted,
            cut_short=self.cut_short,
            rerun=rerun,
        )
        return render_table(run)

    def failures_of(self, clause: str) -> list[dict[str, Any]]:
        return [failure for failure in self.failures if failure["clause"] == clause]

    @property
    def other_failures(self) -> list[dict[str, Any]]:
        """Failures that belong to no clause, such as ``limits.max_429_share``."""
        return [failure for failure in self.failures if failure["clause"] not in CLAUSES]


@dataclass
class ConformanceRun:
    """One ``cf-conformance run`` per pytest session, started by the first item that needs it."""

    session: ContractSession
    seed: int | None = None
    _result: RunResult | None = None
    _error: BaseException | None = None

    @property
    def result_if_run(self) -> RunResult | None:
        return self._result

    def result(self, selected: frozenset[str]) -> RunResult:
        if self._error is not None:
            raise self._error
        if self._result is None:
            try:
                self._result = self._execute(selected)
            except Exception as exc:
                # Every item reports the same error; the run is not tried again for each.
                self._error = exc
                raise
        return self._result

    def _execute(self, selected: frozenset[str]) -> RunResult:
        # The runner brings Hypothesis, the strategies and the probes: load them only now.
        from conformance.run.runner import RunOptions, execute  # noqa: PLC0415

        path, environ = self.session.target_file()
        out = io.StringIO()
        with tempfile.TemporaryDirectory(prefix="cf-run-") as folder:
            report_path = Path(folder) / "report.json"
            code = execute(
                RunOptions(
                    target=path,
                    profile=self.session.options.profile,
                    seed=self.seed,
                    only=None if selected >= set(CLAUSES) or not selected else selected,
                    report_json=report_path,
                    allow_production=self.session.options.allow_production,
                ),
                out=out,
                environ=environ,
            )
            if not report_path.exists():
                raise RuntimeError(
                    f"cf-conformance run ended with exit code {code} and wrote no report:\n"
                    f"{out.getvalue()}"
                )
            report = json.loads(report_path.read_text(encoding="utf-8"))
        return RunResult(exit_code=code, console=out.getvalue(), report=report)


class RunCollector(pytest.Collector):
    """The parent of the clause items: ``cf-conformance::C1`` ... ``cf-conformance::run``."""

    def __init__(self, *, run: ConformanceRun, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run = run

    def collect(self) -> list[pytest.Item]:
        items: list[pytest.Item] = [
            ClauseItem.from_parent(self, name=clause_id, run=self.run) for clause_id in CLAUSES
        ]
        items.append(RunItem.from_parent(self, name=RUN_ITEM, run=self.run))
        return items


class _RunPart(pytest.Item):
    def __init__(self, *, run: ConformanceRun, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run = run

    def _result(self) -> RunResult:
        selected = frozenset(
            item.name for item in self.session.items if isinstance(item, ClauseItem)
        )
        return self.run.result(selected)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, self.nodeid

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, ClauseFailed | RunAborted):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)


class ClauseItem(_RunPart):
    """One clause of the contract, judged by the session's run."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker(self.name)

    @property
    def title(self) -> str:
        return CLAUSES[self.name].title

    def setup(self) -> None:
        result = self._result()
        verdict = result.clauses.get(self.name, {})
        if result.aborted and verdict.get("status") != "failed":
            raise RunAborted(f"{self.name} was not judged: the run was aborted ({result.aborted})")

    def runtest(self) -> None:
        result = self._result()
        verdict = result.clauses[self.name]
        self.user_properties += [
            ("title", self.title),
            ("checked", verdict["checked"]),
            ("failures", verdict["failures"]),
        ]
        if verdict["status"] == "failed":
            raise ClauseFailed(clause_failure_text(self.name, self.title, verdict, result))
        if verdict["status"] == "skipped":
            pytest.skip(f"{self.name}: {verdict['reason']}")
        if verdict["reason"]:
            self.user_properties.append(("note", verdict["reason"]))


class RunItem(_RunPart):
    """The run as a whole: it completed, and stayed within the limits that are no clause."""

    def runtest(self) -> None:
        result = self._result()
        self.add_report_section("call", "cf-conformance run output", result.console)
        if result.notes:
            self.add_report_section("call", "notes", "\n".join(result.notes))
        problems = [f"the run was aborted: {result.aborted}"] if result.aborted else []
        if result.cut_short:
            problems.append(f"the run was cut short: {result.cut_short}")
        problems += [_record_text(failure) for failure in result.other_failures]
        if problems:
            raise ClauseFailed("\n\n".join(problems))


def clause_items(session: pytest.Session, run: ConformanceRun) -> list[pytest.Item]:
    """The items of ``--cf-run``, under one collector named ``cf-conformance``."""
    collector = RunCollector.from_parent(session, name=RUN_NODE, nodeid=RUN_NODE, run=run)
    items = collector.collect()
    # Reported like any collected node, so that pytest counts the items it shows as collected.
    collected: list[pytest.Item | pytest.Collector] = list(items)
    report = pytest.CollectReport(collector.nodeid, "passed", None, collected)
    session.ihook.pytest_collectreport(report=report)
    return items


def clause_failure_text(clause: str, title: str, verdict: dict[str, Any], result: RunResult) -> str:
    count, checked = verdict["failures"], verdict["checked"]
    lines = [
        f"[{clause}] {title}: {count} failure{'s' if count != 1 else ''} "
        f"in {checked} exchange{'s' if checked != 1 else ''} checked"
    ]
    lines += [_record_text(failure) for failure in result.failures_of(clause)]
    return "\n\n".join(lines)


def _record_text(failure: dict[str, Any]) -> str:
    text = f"--- {failure['check']} ({failure['phase']})\n{failure['message']}"
    if failure.get("curl"):
        text += f"\nreproduce: {failure['curl']}"
    return text
