"""The phases of a run in their order, and what each way of stopping early leaves in the report.

Preflight, probes, properties, fuzzing, then read-back. A phase may stop the run early; how it
stopped decides what the report says:

- an unreachable target or a bug of the suite: ``aborted`` (exit 3);
- a configured credential the target started refusing: ``aborted`` and
  ``refused_credential`` (exit 2, the set-up's fault);
- the time budget spent: nothing here, the deadline knows it ran out (exit 4, ``cut_short``);
- the write budget spent: a note; what was judged before still decides the verdict.
"""

from __future__ import annotations

from collections.abc import Callable

from conformance.reports import RunReport
from conformance.run.client import TargetUnreachable, WriteBudgetExceeded
from conformance.run.credential_check import CredentialRevoked
from conformance.run.deadline import OutOfTime
from conformance.run.phases import PhaseAborted, PhaseContext, run_probes
from conformance.run.probes import Probe
from conformance.run.profiles import Profile
from conformance.run.properties import run_properties
from conformance.run.readback import run_readback

__all__ = ["run_phases"]


def run_phases(
    phase: PhaseContext, profile: Profile, probes: list[Probe], report: RunReport
) -> bool:
    """Run every phase in order; returns whether every phase ran to its end."""
    try:
        phase.liveness.preflight()
        phase.credentials.preflight()
        fuzzing = _fuzzing(phase, profile.fuzz_examples) if profile.fuzz_examples else None
        run_probes(phase, probes)
        run_properties(phase, profile)
        if fuzzing is not None:
            fuzzing()
        run_readback(phase, profile)
    except PhaseAborted as exc:
        _stopped(exc.cause, phase, report)
    except (TargetUnreachable, CredentialRevoked, OutOfTime, WriteBudgetExceeded) as exc:
        _stopped(exc, phase, report)
    else:
        return True
    return False


def _stopped(cause: Exception, phase: PhaseContext, report: RunReport) -> None:
    redact = phase.recorder.redactor.text
    if isinstance(cause, OutOfTime):
        return  # the deadline knows it ran out: the report says what was left undone
    if isinstance(cause, WriteBudgetExceeded):
        report.notes.append(f"stopped early: {cause}")
    elif isinstance(cause, CredentialRevoked):
        report.aborted = redact(str(cause))
        report.refused_credential = cause.credential.name or cause.credential.scheme
    elif isinstance(cause, TargetUnreachable):
        report.aborted = redact(str(cause))
    else:
        report.aborted = redact(f"{type(cause).__name__}: {cause}")


def _fuzzing(phase: PhaseContext, examples: int) -> Callable[[], None]:
    """The fuzzing phase, ready to run: schemathesis and the document are loaded now.

    schemathesis takes a while to load, and profiles without fuzzing skip it. Loaded here,
    in plain code before any phase starts a thread, it is ready for every thread.
    """
    from conformance.run.fuzzing import prepare_fuzzing, run_fuzzing  # noqa: PLC0415

    prepared = prepare_fuzzing(phase.client.target)
    return lambda: run_fuzzing(phase, examples=examples, prepared=prepared)
