"""Safety rules for a live target: the production guard and the write discipline (DESIGN.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from conformance.sandbox import Sandbox

__all__ = [
    "WriteDisciplineError",
    "check_write_discipline",
    "production_reason",
]

PRODUCTION_HOSTS = ("portal.contraforce.com",)
PLATFORM_SUFFIX = ".platform.contraforce.com"


class WriteDisciplineError(RuntimeError):
    """A request would carry an incident id outside the sandbox and the reserved namespace."""


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


def _ids_in(body: Any) -> list[Any]:
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return []
    return [item["id"] for item in items if isinstance(item, dict) and "id" in item]


def check_write_discipline(sandbox: Sandbox, content: bytes | None) -> None:
    """Refuse a request body whose ids could name a real incident outside the sandbox.

    Enforced where requests are sent, so no strategy or probe can get around it. Ids that
    cannot name an incident at all (null, blank strings, booleans, objects) are allowed:
    negative tests break the schema with them. Numbers are refused, since a lenient server
    could coerce ``123`` into the id ``"123"``.
    """
    if not content:
        return
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return  # not JSON: no server can read an incident id out of it
    for incident_id in _ids_in(body):
        if incident_id is None or isinstance(incident_id, (bool, dict, list)):
            continue
        if isinstance(incident_id, str) and not incident_id.strip():
            continue  # a blank id names nothing; S1 probes it on purpose
        if not sandbox.allows_write_to(incident_id):
            raise WriteDisciplineError(
                f"refusing to send id {incident_id!r}: only writable and foreign ids from the "
                "target file's [sandbox] and reserved cfct-<uuid4> ids may be sent"
            )
