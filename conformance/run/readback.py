"""The read-back phase (C21): write to the sandbox, read the incidents back, judge what the API
did against the model of what each should read back as (``conformance.readback``).

The model starts from what the incidents read once settled: writes of earlier phases may still
be landing, so each incident is read until two reads a little apart agree. Then each round
(``conformance.readback.plan``) writes, reads until settled, and judges. An incident whose
verdict failed, or could not be reached, leaves play: a late update could still land on it.
Last, a few failures have their own incident's writes sent again alone
(``readback_narrow``), so each finding says whether those writes alone show it. Past the
run's deadline the phase stops between rounds, and reports what it judged so far.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from conformance.clauses import sub_clause_ids
from conformance.readback import Expectation, Rules, Snapshot
from conformance.readback.plan import ShapeDeck, Vocabulary, assigned_after, plan_round
from conformance.run.client import WriteBudgetExceeded
from conformance.run.concurrency import in_index_order
from conformance.run.phases import PhaseContext
from conformance.run.profiles import Profile
from conformance.run.readback_config import ReadbackConfig
from conformance.run.readback_narrow import narrow, to_narrow
from conformance.run.readback_reads import Reader
from conformance.run.readback_rounds import Finding, RoundRunner, Verdict
from conformance.run.target import Target
from conformance.sandbox import Incident
from strategies import item_enum_fields

__all__ = ["ROUNDS", "run_readback"]

ROUNDS = {"smoke": 2, "default": 5, "nightly": 10, "release": 16}
"""Rounds per profile; a round's waits overlap, so it costs about one update's delay."""
LANES = 4
SETTLE_GAP = 0.3
PHASE = "read-back"
NARROWING_WAITS = 3
"""Deadlines narrowing may take: settling, then the writes' reads, with room to spare."""
CLAUSES = ("C21", *sub_clause_ids("C21"))


def run_readback(
    context: PhaseContext, profile: Profile, *, clock: Callable[[], float] = time.monotonic
) -> None:
    """Judge C21 against the target's ``[readback]``; C21 is skipped, with why, without it.

    ``clock`` measures the waits, on the same time as the client's ``pause`` (a fake one in
    tests). Past the run's deadline the phase raises ``OutOfTime`` between rounds, having
    reported what it judged.
    """
    recorder = context.recorder
    if not any(recorder.selects(clause) for clause in CLAUSES):
        return
    target = context.client.target
    config = target.readback
    why = _cannot_run(target)
    if why or config is None:
        context.skipped += [(clause, why) for clause in CLAUSES]
        return
    phase = _Phase(context, target, config, clock)
    rounds = ROUNDS.get(profile.name, ROUNDS["default"])
    context.begin(PHASE)
    context.progress.start(PHASE, rounds)
    try:
        phase.run(rounds)
        phase.narrow()
    except WriteBudgetExceeded as exc:
        recorder.note(f"read-back stopped early: {exc}")
    finally:
        phase.report()
        context.progress.finish(f"{phase.reader.reads} reads judged")


def _open_ended(judged: Expectation | None) -> bool:
    """Did the contract leave the incident's end open (an id named twice, a null that may keep
    or clear)? A read showing one allowed value then proves nothing: the write may still land
    and change it, so the incident leaves play rather than be judged from that read again."""
    return judged is not None and any(len(d.allowed) > 1 for d in judged.fields.values())


def _cannot_run(target: Target) -> str:
    if target.readback is None:
        return "the target file has no [readback] table: C21 needs a read operation to judge"
    if not target.sandbox.writable:
        return "the target file lists no writable sandbox incident to write and read back"
    return ""


class _Phase:
    def __init__(
        self,
        context: PhaseContext,
        target: Target,
        config: ReadbackConfig,
        clock: Callable[[], float],
    ) -> None:
        self.context, self.target, self.config = context, target, config
        self.reader = Reader(context, target, config)
        self.incidents = {i.id: i for i in (*target.sandbox.writable, *target.sandbox.foreign)}
        relaxed = frozenset(c for c in CLAUSES if context.recorder.context.is_relaxed(c))
        self.rules = Rules(fields=tuple(config.fields), users=self._users(), relaxed=relaxed)
        self.rounds = RoundRunner(
            context,
            self.reader,
            self.rules,
            self.incidents,
            deadline=config.deadline_seconds,
            clock=clock,
        )
        self.failing: list[Verdict] = []
        self.judged: dict[str, int] = {}
        self.rng = random.Random(context.seed)
        # From the seed, so that a seed sends the same writes again; a comment an incident
        # already had before a round is not judged (``conformance.readback.expect``).
        self.token = f"{self.rng.getrandbits(32):08x}"

    def _users(self) -> dict[str, str | None]:
        query = self.config.fields.get("assignee")
        by_email = query is not None and query.reads_email
        users: dict[str, str | None] = {}
        for user in self.target.sandbox.users:
            value = user.email if by_email else user.id
            if value is not None:
                users[user.id] = value
        return users

    def run(self, rounds: int) -> None:
        settled = self._settle([i for i in self.incidents.values() if self.reader.can_read(i)])
        vocabulary = _vocabulary()
        deck = ShapeDeck(self.rng)
        assigned: frozenset[str] = frozenset()
        for number in range(1, rounds + 1):
            self.context.client.deadline.check()
            writable = [i for i in self.target.sandbox.writable if i.id in settled]
            foreign = [i for i in self.target.sandbox.foreign if i.id in settled]
            if not writable:
                return
            plan = plan_round(
                self.rng,
                self.target.sandbox,
                writable,
                foreign,
                vocabulary,
                lanes=min(LANES, self.context.concurrency + 1),
                token=f"{self.token}.{number}",
                deck=deck,
                assigned=assigned,
            )
            assigned = assigned_after(plan, self.target.sandbox, assigned)
            failing = 0
            for verdict in self.rounds.run(plan, settled):
                if verdict.findings:
                    self.failing.append(verdict)
                failing += len(verdict.findings)
                if verdict.judged is not None:
                    self._count(verdict.judged)
                if verdict.snapshot is None or verdict.findings or _open_ended(verdict.judged):
                    settled.pop(verdict.incident, None)
                else:
                    settled[verdict.incident] = verdict.snapshot
            self.context.progress.advance(failures=failing)

    def narrow(self) -> None:
        """Send the writes of a few failures again alone (``readback_narrow``), if the run has
        the time: an extra the run is not cut short for."""
        recorder = self.context.recorder
        chosen = to_narrow(
            self.failing,
            selects=recorder.selects,
            can_read=lambda incident_id: self.reader.can_read(self.incidents[incident_id]),
        )
        if not chosen:
            return
        needs = NARROWING_WAITS * self.config.deadline_seconds
        if self.context.time_left() < needs:
            recorder.note(
                f"read-back: failures not sent again alone: that needs up to {needs:g} s, "
                "more than the run's time budget has left"
            )
            return
        settled = self._settle([self.incidents[verdict.incident] for verdict in chosen])
        for narrowed in narrow(self.rounds, chosen, settled):
            narrowed.verdict.findings = narrowed.findings()

    @property
    def findings(self) -> list[Finding]:
        return [finding for verdict in self.failing for finding in verdict.findings]

    def _count(self, expectation: Expectation) -> None:
        clauses = [demand.clause for demand in expectation.fields.values()]
        clauses += [demand.clause for demand in expectation.comments]
        # A field two writes set is judged for the order too.
        clauses += ["C21e" for demand in expectation.fields.values() if demand.superseded]
        for clause in clauses:
            self.judged[clause] = self.judged.get(clause, 0) + 1

    def _settle(self, incidents: list[Incident]) -> dict[str, Snapshot]:
        """What each incident reads once two reads a little apart agree (bounded by the
        deadline); an incident that never settles is left out."""
        settled: list[Snapshot | None] = [None] * len(incidents)
        client = self.context.client

        def settle(index: int) -> None:
            incident = self.incidents[incidents[index].id]
            waited = 0.0
            first = self.reader.read(incident)
            while first is not None and waited < self.config.deadline_seconds:
                client.pause(SETTLE_GAP)
                waited += SETTLE_GAP
                again = self.reader.read(incident)
                if again is not None and again.snapshot == first.snapshot:
                    settled[index] = again.snapshot
                    return
                first = again

        in_index_order(self.context.pool, settle, len(incidents), threads=self.context.concurrency)
        return {i.id: s for i, s in zip(incidents, settled, strict=True) if s is not None}

    def report(self) -> None:
        """Record the findings, the counts and the notes, in a fixed order."""
        recorder = self.context.recorder
        # The reads and writes are judged by C1-C20 like any request of the run.
        for failure, exchange in self.reader.failures:
            recorder.add(failure, exchange, phase=PHASE)
        for finding in self.rounds.write_failures:
            recorder.add(finding.failure, finding.exchange, phase=PHASE)
        unseen = self._unseen_fields()
        for finding in self.findings:
            if finding.failure.path in unseen or not recorder.selects(finding.failure.clause):
                continue
            recorder.add(
                finding.failure,
                finding.exchange,
                phase=PHASE,
                kind=f"{PHASE}: {finding.failure.clause}",
                replayable=False,
            )
        for incident_id, why in sorted(self.reader.unreadable.items()):
            recorder.note(
                f"read-back: {incident_id} not judged: {why} (check [readback] and "
                "the incident's source in [sandbox])"
            )
        if self.reader.reads:
            recorder.tally("C21", self.reader.reads)
        for clause, count in self.judged.items():
            recorder.tally(clause, count)
        self._skip_reasons(unseen)

    def _unseen_fields(self) -> set[str]:
        if not self.reader.reads:
            return set()
        unseen = set()
        for name, query in self.config.fields.items():
            if name not in self.reader.seen:
                unseen.add(f"readback.fields.{name}")
                self.context.recorder.note(
                    f"read-back: readback.fields.{name} = {query.text!r} found nothing in "
                    f"{self.reader.reads} reads, so {name} was not judged (fix the JSONPath, "
                    "or remove the key if the read does not show it)"
                )
        return unseen

    def _skip_reasons(self, unseen: set[str]) -> None:
        skipped = self.context.skipped
        # A later reason wins: the general one first.
        skipped += [(clause, "no read-back verdict exercised it") for clause in CLAUSES]
        if self.config.observer is None and len(self.target.sandbox.workspaces) < 2:
            skipped.append(
                (
                    "C21c",
                    "no [readback] observer reads foreign incidents, and the sandbox has one "
                    "workspace, so no wrong hint can be sent",
                )
            )
        if unseen and len(unseen) == len(self.config.fields):
            skipped.append(("C21", "no configured field was found in any read (see the notes)"))
        if not self.reader.reads:
            skipped.append(("C21", "no incident could be read back (see the notes)"))


def _vocabulary() -> Vocabulary:
    """The enum members a write may set, read from the bulk item's schema."""
    members = item_enum_fields()
    return Vocabulary(
        statuses=members["status"],
        classifications=members["classification"],
        reasons=members["classificationReason"],
    )
