"""One failure as the reports show it: already redacted, safe to print, write and upload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["FailureRecord"]


@dataclass(frozen=True)
class FailureRecord:
    """One failure, already redacted: safe to print, write and upload."""

    clause: str
    check: str
    message: str
    phase: str
    request: dict[str, Any]
    response: dict[str, Any]
    curl: str
    seed: int
