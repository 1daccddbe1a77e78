"""The production guard: refuse hosts that look like production (docs/contract.md).

The other safety rule, which ids a request may carry, is in ``conformance.sandbox``.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["production_reason"]

PRODUCTION_HOSTS = ("portal.contraforce.com",)
PLATFORM_SUFFIX = ".platform.contraforce.com"


def _matches(host: str, pattern: str) -> bool:
    pattern = pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


def production_reason(base_url: str, extra_hosts: Iterable[str] = ()) -> str | None:
    """Why ``base_url`` looks like production, or ``None`` when it does not."""
    host = (urlsplit(base_url).hostname or "").lower().rstrip(".")
    if host in PRODUCTION_HOSTS:
        return f"{host} is the production portal"
    if host.endswith(PLATFORM_SUFFIX):
        first = host.split(".", 1)[0]
        if first == "prod" or first.startswith("prod-") or first == "production":
            return f"{host} is a production platform host (first label {first!r})"
    for pattern in extra_hosts:
        if _matches(host, pattern):
            return f"{host} matches production_hosts entry {pattern!r}"
    return None
