"""Reading sandbox incidents back (C21): one GET per incident, and its comments where configured.

Every read goes through ``PhaseContext.send``, so the read rule, the rate limit, redaction and
C22 hold for it as for any request, and it is judged by the envelope and problem clauses
(C1-C10) like every v2 answer. A read that cannot be judged (a non-2xx answer, an incident
the configured JSONPath does not find) is a configuration problem, noted once per incident.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from conformance.checks import ConformanceFailure, Exchange, Intent
from conformance.readback import Snapshot, normal_comment
from conformance.run.client import PlannedRequest, StillThrottled
from conformance.run.phases import PhaseContext, Unanswered
from conformance.run.readback_config import ReadbackConfig
from conformance.run.target import Target
from conformance.sandbox import Incident, read_path

__all__ = ["Read", "Reader"]

READ_INTENT = Intent(auth="valid", body="valid", operation="read")
HEADERS = {"Accept": "application/json, application/problem+json"}


@dataclass(frozen=True)
class Read:
    """One read of an incident: what it showed, and the exchange (for its reproducer)."""

    snapshot: Snapshot
    exchange: Exchange


class Reader:
    """Reads incidents with the configured credentials; safe to share between threads."""

    def __init__(self, context: PhaseContext, target: Target, config: ReadbackConfig) -> None:
        self.context, self.target, self.config = context, target, config
        self.reads = 0
        self.seen: set[str] = set()
        """The configured fields some answer had; one never seen is a configuration problem."""
        self.failures: list[tuple[ConformanceFailure, Exchange]] = []
        """C1-C10 failures of the reads, recorded by the phase in a fixed order."""
        self.unreadable: dict[str, str] = {}
        self._lock = threading.Lock()

    def can_read(self, incident: Incident) -> bool:
        return self._authorization(incident) is not None and incident.id not in self.unreadable

    def read(self, incident: Incident) -> Read | None:
        """Read ``incident`` once; ``None`` when it cannot be read (noted), or the read was
        throttled or unanswered (C22's to report)."""
        incident_read = self._get(incident, self.config.path)
        if incident_read is None:
            return None
        exchange, body = incident_read
        found = self.config.incident.find(body)
        if not found:
            self._unreadable(
                incident, f"readback.incident = {self.config.incident.text!r} found nothing"
            )
            return None
        fields = {}
        for name, query in self.config.fields.items():
            values = query.find(found[0])
            if values:
                with self._lock:
                    self.seen.add(name)
            fields[name] = _scalar(values[0]) if values else None
        comments = None
        if self.config.comments is not None:
            comments_read = self._get(incident, self.config.comments.path)
            if comments_read is None:
                return None
            messages = self.config.comments.messages.find(comments_read[1])
            comments = frozenset(normal_comment(m) for m in messages if isinstance(m, str))
        return Read(Snapshot(fields, comments), exchange)

    def _get(self, incident: Incident, template: str) -> tuple[Exchange, object] | None:
        authorization = self._authorization(incident)
        if authorization is None:
            return None
        planned = PlannedRequest(
            "GET", read_path(template, incident), {**HEADERS, "Authorization": authorization}
        )
        try:
            exchange = self.context.send(planned, READ_INTENT)
        except (StillThrottled, Unanswered):
            return None  # an unanswered read is C22's finding, counted by ``send``
        failures = self.context.recorder.evaluate(exchange)
        with self._lock:
            self.reads += 1
            self.failures += [(failure, exchange) for failure in failures]
        if not 200 <= exchange.status < 300:
            self._unreadable(incident, f"GET {planned.path} answered HTTP {exchange.status}")
            return None
        body = exchange.response_body
        if not isinstance(body, dict | list):
            self._unreadable(incident, f"GET {planned.path} answered no JSON")
            return None
        return exchange, body

    def _authorization(self, incident: Incident) -> str | None:
        name = (
            self.config.credential
            if self.target.sandbox.is_writable(incident.id)
            else self.config.observer
        )
        credential = None if name is None else self.target.credential(name)
        return None if credential is None else credential.authorization()

    def _unreadable(self, incident: Incident, why: str) -> None:
        with self._lock:
            self.unreadable.setdefault(incident.id, why)


def _scalar(value: object) -> str | None:
    """A read value as the model holds it: a string, or ``None`` for null."""
    if value is None or isinstance(value, str):
        return value
    # A number, or a whole object where a field was expected: compare its JSON text.
    return json.dumps(value, sort_keys=True)
