"""Exit codes shared by every ``cf-conformance`` command; CI jobs branch on them."""

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    OK = 0
    """Conforming, or the command did what was asked."""
    FAILED = 1
    """Non-conformance found (or an invalid spec, or a breaking spec difference)."""
    USAGE = 2
    """A usage or configuration error: the message names the field and the fix."""
    UNREACHABLE = 3
    """The target (or a spec URL) could not be reached, or the run was aborted."""
    CUT_SHORT = 4
    """The run's time budget ran out: it judged what it had and wrote every report, but left
    phases cut or not run, so its verdict is partial (whatever it found)."""
