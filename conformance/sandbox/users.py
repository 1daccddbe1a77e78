"""The users the sandbox may assign incidents to (the read-back phase sends them, C21a)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["User"]


@dataclass(frozen=True)
class User:
    """A user of the target that the suite may make the assignee of a sandbox incident.

    ``id`` is what an update's ``user`` carries; the read-back compares the assignee it reads
    with ``id`` or, when the configured field reads an email, with ``email``.
    """

    id: str
    email: str | None = None
    display_name: str | None = None

    def as_user_summary(self) -> dict[str, str]:
        """The ``UserSummary`` object an update item sends to assign this user."""
        summary = {"id": self.id}
        if self.email is not None:
            summary["email"] = self.email
        if self.display_name is not None:
            summary["displayName"] = self.display_name
        return summary
