"""The one error the triage inputs raise: a file the run cannot use as given (exit 2)."""

from __future__ import annotations

__all__ = ["TriageInputError"]


class TriageInputError(ValueError):
    """A baseline file or a previous report the run cannot use; names the file, key and fix.

    The form matches the target file's errors: ``FILE: key: problem (fix)``.
    """

    def __init__(self, source: str, key: str, problem: str, fix: str) -> None:
        self.source, self.key, self.problem, self.fix = source, key, problem, fix
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {problem} ({fix})")
