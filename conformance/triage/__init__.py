"""Nightly triage: fingerprints, the baseline of known failures, and the previous run.

It turns a run's failures into findings with a stable identity (``fingerprint``), reads the
inputs that give them a history (``baseline``, ``previous``) and sets each finding's status
(``classify``). Replaying findings needs the target, so it lives in the run layer
(``conformance.run.replay``); this package does no I/O beyond reading and writing its files.
"""

from conformance.triage.baseline import load_baseline, parse_baseline, write_baseline
from conformance.triage.classify import classify
from conformance.triage.errors import TriageInputError
from conformance.triage.fingerprint import (
    Identity,
    identify,
    identify_failure,
    input_kind,
    normalise_kind,
    normalise_path,
    server_error_variant,
)
from conformance.triage.previous import PreviousRun, load_previous, parse_previous, report_version

__all__ = [
    "Identity",
    "PreviousRun",
    "TriageInputError",
    "classify",
    "identify",
    "identify_failure",
    "input_kind",
    "load_baseline",
    "load_previous",
    "normalise_kind",
    "normalise_path",
    "parse_baseline",
    "parse_previous",
    "report_version",
    "server_error_variant",
    "write_baseline",
]
