"""The read rule: a GET goes only to a configured read path, filled in for a sandbox incident.

The read-back phase (C21) reads incidents with the run's credentials. Like the write rule, this
is enforced where requests are sent, so a bug in the phase cannot read anything else: not
another incident, not another path of the API.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from conformance.sandbox.incidents import Incident, Sandbox

__all__ = ["PLACEHOLDERS", "UnsafeReadError", "check_read_rule", "placeholders", "read_path"]

PLACEHOLDERS = ("workspace", "source", "id")
"""What a configured read path may name: the incident's workspace, source and id."""


class UnsafeReadError(RuntimeError):
    """A GET outside the configured read paths or the sandbox; it was not sent."""


def placeholders(template: str) -> tuple[str, ...]:
    """The ``{names}`` in a read path template, in order; raises ValueError on a broken one."""
    return tuple(
        name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None
    )


def read_path(template: str, incident: Incident) -> str:
    """``template`` filled in for ``incident``; each value is one path segment, encoded."""
    values = {"workspace": incident.workspace, "source": incident.source or "", "id": incident.id}
    return template.format_map({name: quote(value, safe="") for name, value in values.items()})


def check_read_rule(sandbox: Sandbox, templates: Iterable[str], path: str) -> None:
    """Raise ``UnsafeReadError`` unless ``path`` is a template filled in for a sandbox incident.

    ``path`` is what the client sends below its base URL; a query string is never allowed.
    """
    parts = urlsplit(path)
    # A template without placeholders (the operation's own path) is allowed as it is.
    allowed = {
        read_path(template, incident)
        for template in templates
        for incident in (*sandbox.writable, *sandbox.foreign)
    } | {template for template in templates if not placeholders(template)}
    if parts.scheme or parts.netloc or parts.query or parts.fragment or path not in allowed:
        raise UnsafeReadError(
            f"refusing to read {path!r}: a GET goes only to the configured read paths "
            "([readback] path and [readback.comments] path) for a sandbox incident"
        )
