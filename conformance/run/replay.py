"""Replay for flakiness: after the run, send each finding's minimal example again.

Each finding's example goes out up to ``REPLAYS`` times, through the run's own client (so the
write rule, the write budget and the rate limit hold), and every answer is judged by the same
checks as during the run. The replay stops at the first answer that shows the finding's
fingerprint again: it reproduced. A finding whose replays never show it again is flaky.

- An example of several requests (a leak sequence) is sent whole, every time.
- A C22 finding (a request left unanswered) is replayed once, not ``REPLAYS`` times: each
  replay that hangs again costs a full timeout, and one is enough to tell a request the
  target never answers from one it answered late once. A request left unanswered on replay
  reproduces it; the target is asked whether it still answers at all, as during the run.
- Examples are replayed side by side, ``concurrency`` at a time, so the replays of several
  hangs wait out their timeouts together. The requests of one example still go out in order.
- The run's time budget covers the replays: once it is spent, the findings not yet replayed
  say so.
- A request still throttled (429) after the client's retries has no answer to judge: that
  replay does not count either way.
- Once the write budget is used up, the findings not yet replayed keep their status; one
  replayed fewer than three times without reproducing is still flaky, with a note saying so.

Why flaky findings still fail the run by default: a 5xx seen once is a 5xx. A failure that
depends on what the server saw before (a leak of an earlier request's ids) may also not show
on a bare replay.
"""

from __future__ import annotations

import dataclasses
import threading

from conformance.checks import ConformanceFailure, Exchange, Request, Response
from conformance.reports import Replay
from conformance.run.client import (
    NoAnswer,
    OutOfTime,
    PlannedRequest,
    StillThrottled,
    TargetUnreachable,
    WriteBudgetExceeded,
)
from conformance.run.concurrency import in_index_order
from conformance.run.findings import LoggedFinding, ReplayPlan
from conformance.run.liveness import unanswered_failure
from conformance.run.phases import PhaseContext
from conformance.triage import identify_failure

__all__ = ["REPLAYS", "REPLAYS_OF_AN_UNANSWERED_REQUEST", "replay_findings"]

REPLAYS = 3
REPLAYS_OF_AN_UNANSWERED_REQUEST = 1


class _Stop(Exception):
    """Replaying cannot go on: the budget is spent or the target is gone."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def replay_findings(context: PhaseContext) -> None:
    """Replay every finding recorded so far; set ``replay`` on each of them.

    Findings with the same example (two checks failing on one answer) share their replays:
    each answer is judged for all of them.
    """
    findings = list(context.recorder.findings)
    if not findings:
        return
    context.begin("replay")
    progress = context.progress
    progress.start("replay", len(findings))
    groups = _by_plan(findings)
    stopped: list[str] = []
    """Why replaying stopped (the first reason only), shared by the threads."""
    lock = threading.Lock()

    def replay(index: int) -> None:
        plan, group = groups[index]
        with lock:
            reason = stopped[0] if stopped else ""
        if reason:
            replays = dict.fromkeys(_fingerprints(group), Replay(0, False, reason))
        elif plan is None:
            replays = dict.fromkeys(
                _fingerprints(group), Replay(0, False, "no single request shows it again")
            )
        else:
            replays, reason = _replay(context, plan, group)
            if reason:
                with lock:
                    stopped.append(reason)
        for logged in group:
            logged.replay = replays[logged.fingerprint]
            progress.advance(failures=int(logged.replay.reproduced))

    try:
        in_index_order(context.pool, replay, len(groups), threads=context.concurrency)
    finally:
        flaky = sum(bool(logged.replay and logged.replay.flaky) for logged in findings)
        progress.finish(f"{flaky} flaky")
    if stopped:
        context.recorder.notes.append(f"replay stopped: {stopped[0]}")


def _fingerprints(group: list[LoggedFinding]) -> list[str]:
    return [logged.fingerprint for logged in group]


def _by_plan(findings: list[LoggedFinding]) -> list[tuple[ReplayPlan | None, list[LoggedFinding]]]:
    groups: list[tuple[ReplayPlan | None, list[LoggedFinding]]] = []
    for logged in findings:
        for plan, group in groups:
            if _same(plan, logged.plan):
                group.append(logged)
                break
        else:
            groups.append((logged.plan, [logged]))
    return groups


def _same(one: ReplayPlan | None, other: ReplayPlan | None) -> bool:
    if one is None or other is None:
        return False
    return one.extra_checks is other.extra_checks and one.steps == other.steps


def _replay(
    context: PhaseContext, plan: ReplayPlan, group: list[LoggedFinding]
) -> tuple[dict[str, Replay], str]:
    """Each finding's replay, and why replaying must stop ("" to go on)."""
    pending = {logged.fingerprint for logged in group}
    reproduced_at: dict[str, int] = {}
    attempts = throttled = 0
    stopped = ""
    unanswered = all(logged.identity.clause == "C22" for logged in group)
    most = REPLAYS_OF_AN_UNANSWERED_REQUEST if unanswered else REPLAYS
    # A throttled replay is not judged, and does not count: at most ``most`` sends in all.
    while pending and attempts + throttled < most:
        try:
            shown = _shown(context, plan, pending)
        except _Stop as stop:
            stopped = stop.reason
            break
        if shown is None:
            throttled += 1
            continue
        attempts += 1
        for fingerprint in shown:
            reproduced_at[fingerprint] = attempts
            pending.discard(fingerprint)
    notes = []
    if throttled:
        notes.append(f"{throttled} replay(s) still throttled (429), not judged")
    if stopped:
        notes.append(f"only {attempts} of {most} replays: {stopped}" if attempts else stopped)
    note = "; ".join(notes)
    replays = {
        fingerprint: Replay(reproduced_at[fingerprint], True)
        if fingerprint in reproduced_at
        else Replay(attempts, False, note)
        for fingerprint in _fingerprints(group)
    }
    return replays, stopped


def _shown(context: PhaseContext, plan: ReplayPlan, pending: set[str]) -> set[str] | None:
    """Send the example once: the pending fingerprints its answers show, None if throttled."""
    client = context.client
    shown: set[str] = set()
    for step, intent in plan.steps:
        planned = _relative(step, client.target.base_url)
        try:
            response = client.send(planned, confirm=context.liveness.confirm)
        except StillThrottled:
            return None
        except NoAnswer as silence:
            try:
                if not silence.confirmed:
                    context.liveness.confirm()
            except TargetUnreachable as gone:
                raise _Stop(str(gone)) from None
            failure = unanswered_failure(planned, silence, client)
            sent = Request.from_content(
                planned.method, silence.url, dict(planned.headers), planned.content
            )
            return shown | _matching([failure], sent, None, pending)
        except TargetUnreachable as gone:  # the liveness checks after a timeout: gone
            raise _Stop(str(gone)) from None
        except (WriteBudgetExceeded, OutOfTime) as exc:
            raise _Stop(str(exc)) from None
        request = Request.from_content(
            planned.method, str(response.request.url), dict(planned.headers), planned.content
        )
        exchange = Exchange(request, response, intent)
        failures = context.recorder.failures_of(exchange)
        if plan.extra_checks is not None:
            failures += plan.extra_checks(exchange)
        shown |= _matching(failures, request, response, pending)
    return shown


def _relative(planned: PlannedRequest, base_url: str) -> PlannedRequest:
    """An example kept with its absolute URL, as a path under the target's base URL again,
    as the run planned it (the C22 finding names the path)."""
    if planned.path.startswith(base_url):
        return dataclasses.replace(planned, path=planned.path[len(base_url) :] or "/")
    return planned


def _matching(
    failures: list[ConformanceFailure],
    request: Request | None,
    response: Response | None,
    pending: set[str],
) -> set[str]:
    """The pending fingerprints among ``failures`` (of ``request``, answered ``response``)."""
    shown = {identify_failure(failure, request, response).fingerprint for failure in failures}
    return pending & shown
