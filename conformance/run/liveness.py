"""Is the target answering at all? Asked at preflight, and again after each unanswered request.

A request the target never answers is a finding about that request (C22), not the end of the
run, as long as the target still answers others; only a target that stops answering
altogether ends the run as unreachable (exit 3). The question is put to the target with a
liveness check: one POST to the operation's own path, without credentials and without a body.

- It takes the route and method every other request of the run takes, so a gateway in front
  of the service forwards it like the others, and its answer speaks for the same service.
- It carries nothing to write (no body) and no right to write (no credentials), so it cannot
  change anything, and the write rule has nothing to inspect.
- Any HTTP answer proves the target alive, whatever the status, even a 429 or a 5xx: the
  answer itself is not judged (the probes cover a bodiless request and missing credentials).

It goes through the run's ``TargetClient``, with the target's timeout, retries, rate limit
and clock; it is counted among the run's requests and, being a POST, against the write budget.

A request that times out while the target is up is not retried: the client asks ``confirm``
first (``TargetClient.send``), so a hang costs one timeout and one liveness check. Retries are
for a target that answers nothing at all, the liveness check's own included.

With several requests in flight, several may go unanswered at once. Their confirmations take
turns, so the target is asked one liveness check at a time; once it is found gone, every
confirmation still waiting ends the same way at once, instead of asking again.
"""

from __future__ import annotations

import threading

import httpx

from conformance.checks import ConformanceFailure
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.client import (
    NoAnswer,
    PlannedRequest,
    StillThrottled,
    TargetClient,
    TargetUnreachable,
)

__all__ = [
    "LIVENESS_CHECKS",
    "LIVENESS_PAUSE_SECONDS",
    "LIVENESS_REQUEST",
    "Liveness",
    "unanswered_failure",
]

LIVENESS_CHECKS = 3
"""Liveness checks in a row that must all go unanswered before the target counts as gone."""
LIVENESS_PAUSE_SECONDS = 1.0
"""Between two liveness checks, so that a target restarting after a crash can come back."""
LIVENESS_REQUEST = PlannedRequest("POST", BULK_UPDATE_PATH)


class Liveness:
    def __init__(self, client: TargetClient) -> None:
        self._client = client
        self._host = httpx.URL(client.target.base_url).host
        self._turn = threading.Lock()
        self._gone = ""
        """Why the target counts as gone; empty while it answers."""

    def silence(self) -> NoAnswer | None:
        """Send one liveness check: ``None`` when anything answered, else what went wrong."""
        try:
            self._client.send(LIVENESS_REQUEST)
        except StillThrottled:
            return None  # throttled is an answer: the target is there
        except NoAnswer as silence:
            return silence
        return None

    def preflight(self) -> None:
        """Before the first probe: is anything answering at ``base_url``?"""
        silence = self.silence()
        if silence is not None:
            raise TargetUnreachable(f"{self._host} is unreachable at preflight ({silence.cause})")

    def confirm(self) -> None:
        """After a request went unanswered: return if the target still answers, else raise.

        Raises ``TargetUnreachable`` once ``LIVENESS_CHECKS`` checks in a row got no answer.
        """
        with self._turn:
            if self._gone:
                raise TargetUnreachable(self._gone)
            cause = ""
            for check in range(LIVENESS_CHECKS):
                if check:
                    self._client.pause(LIVENESS_PAUSE_SECONDS)
                silence = self.silence()
                if silence is None:
                    return
                cause = silence.cause
            self._gone = (
                f"{self._host} is unreachable: a request went unanswered, then "
                f"{LIVENESS_CHECKS} liveness checks in a row did too ({cause})"
            )
            raise TargetUnreachable(self._gone)


def unanswered_failure(
    planned: PlannedRequest, silence: NoAnswer, client: TargetClient
) -> ConformanceFailure:
    """The C22 finding for a request the target left unanswered while answering others."""
    limits = client.target.limits
    # A request the target left unanswered while it answered a liveness check was not
    # retried: retries are for a target that is down (``conformance.run.client``).
    retried = (
        "" if silence.confirmed else f", after at most {limits.retries} retries (limits.retries)"
    )
    return ConformanceFailure(
        clause="C22",
        check="liveness_conformance",
        title="Request got no answer",
        received=(
            f"no HTTP answer in {silence.attempts} attempt(s) ({silence.cause}), "
            "while the target still answers a liveness check"
        ),
        expected=(
            f"an HTTP answer within {limits.timeout_seconds:g} s (limits.timeout_seconds){retried}"
        ),
        path=f"{planned.method} {planned.path}",
    )
