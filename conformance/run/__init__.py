"""The run layer: the only part of the suite that talks to a target over the network.

``execute(RunOptions(...))`` is what ``cf-conformance run`` calls. The pieces it composes:
the target file (``target``), the guarded client (``client``, ``guard``, ``credentials``),
the liveness checks (``liveness``), the deterministic probes, the property and fuzzing
phases, and the recorder that turns check failures into redacted report records.

Only light modules are imported here; the runner (and with it Hypothesis and the strategies)
loads when it is used. The run layer never imports the reference API: a run without a target
file gets its embedded target from the command line (``conformance.cli.embedded``).
"""

from conformance.run.client import (
    PlannedRequest,
    StillThrottled,
    TargetClient,
    TargetUnreachable,
    WriteBudgetExceeded,
)
from conformance.run.credentials import REDACTED, Credential, Redactor
from conformance.run.guard import production_reason
from conformance.run.profiles import PROFILES, Profile, resize_profile
from conformance.run.target import ConfigError, Limits, Target, load_target, parse_target

__all__ = [
    "PROFILES",
    "REDACTED",
    "ConfigError",
    "Credential",
    "Limits",
    "PlannedRequest",
    "Profile",
    "Redactor",
    "StillThrottled",
    "Target",
    "TargetClient",
    "TargetUnreachable",
    "WriteBudgetExceeded",
    "load_target",
    "parse_target",
    "production_reason",
    "resize_profile",
]
