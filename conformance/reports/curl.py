"""A copy-pasteable curl reproducer for a failing request, with credentials redacted."""

from __future__ import annotations

import shlex
from collections.abc import Mapping

__all__ = ["curl_command"]

# Headers curl sets itself, or that only add noise to a reproducer.
SKIPPED_HEADERS = frozenset(
    {"host", "content-length", "accept-encoding", "connection", "user-agent"}
)


def curl_command(method: str, url: str, headers: Mapping[str, str], body: str | None) -> str:
    """``headers`` and ``body`` must already be redacted: this function only formats."""
    parts = ["curl", "-sS", "-X", method.upper(), shlex.quote(url)]
    for name, value in headers.items():
        if name.lower() not in SKIPPED_HEADERS:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body is not None:
        parts += ["--data-binary", shlex.quote(body)]
    return " ".join(parts)
