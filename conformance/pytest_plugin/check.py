"""``cf_check``: every clause check on one exchange, and one failure carrying every finding.

What a failure shows passes through the session's ``Redactor`` first, so neither the
findings, the response summary nor the curl reproducer can carry a secret into pytest's
output, whatever the server echoed back.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence

from conformance.checks import (
    CheckContext,
    ConformanceFailure,
    Exchange,
    iter_failures,
)
from conformance.run import Redactor
from conformance.run.reproducer import reproducer

__all__ = ["ContractCheck", "ExchangeFailure", "redacted", "reproducer", "response_summary"]

# A response body longer than this is cut in the summary: the findings say what matters.
RESPONSE_LIMIT = 500


class ExchangeFailure(ConformanceFailure):
    """An exchange broke one or more clauses: every finding, redacted, and a reproducer.

    Its own ``clause``, ``title``, ``received``, ``expected`` and ``path`` are those of the
    first finding, so code written for a ``ConformanceFailure`` keeps working; ``findings``
    holds them all, in clause order.
    """

    def __init__(
        self,
        findings: Sequence[ConformanceFailure],
        *,
        reproducer: str,
        response: str | None = None,
    ) -> None:
        if not findings:
            raise ValueError("an ExchangeFailure needs at least one finding")
        # Set before the base class renders the message, which reads them.
        self.findings = tuple(findings)
        self.reproducer = reproducer
        self.response = response
        first = self.findings[0]
        super().__init__(
            clause=first.clause,
            check=first.check,
            title=first.title,
            received=first.received,
            expected=first.expected,
            path=first.path,
        )

    @property
    def clauses(self) -> tuple[str, ...]:
        """The clauses broken, each once, in the order of the findings."""
        return tuple(dict.fromkeys(finding.clause for finding in self.findings))

    def _text(self) -> str:
        blocks = [str(finding) for finding in self.findings]
        tail = [f"response: {self.response}"] if self.response is not None else []
        tail.append(f"reproduce: {self.reproducer}")
        return "\n\n".join(blocks) + "\n\n" + "\n".join(tail)

    def __repr__(self) -> str:
        return f"ExchangeFailure(clauses={self.clauses!r})"

    def __reduce__(self) -> tuple[object, ...]:
        rebuild = functools.partial(
            ExchangeFailure, self.findings, reproducer=self.reproducer, response=self.response
        )
        return (rebuild, (), self.__dict__)


class ContractCheck:
    """``cf_check(exchange)``: run every clause check on ``exchange``.

    Each check decides from the exchange's intent and status whether its clause applies, so
    this runs them all. Nothing is raised when the exchange conforms; otherwise one
    ``ExchangeFailure`` carries every finding. ``only`` limits the checks to some clauses.
    """

    def __init__(self, context: CheckContext, redactor: Redactor) -> None:
        self.context = context
        self._redactor = redactor

    def __call__(self, exchange: Exchange, *, only: Collection[str] | None = None) -> None:
        __tracebackhide__ = True  # the failure points at the test's line, not at this one
        findings = list(iter_failures(exchange, context=self.context, only=only))
        if findings:
            raise self.failure(findings, exchange)

    def failure(
        self, findings: Sequence[ConformanceFailure], exchange: Exchange
    ) -> ExchangeFailure:
        """The redacted ``ExchangeFailure`` for ``findings`` about ``exchange``."""
        return ExchangeFailure(
            [redacted(finding, self._redactor) for finding in findings],
            reproducer=reproducer(exchange.request, self._redactor),
            response=response_summary(exchange, self._redactor),
        )

    def __repr__(self) -> str:
        relaxed = ", ".join(sorted(self.context.relaxed)) or "none"
        return f"<cf_check: every clause check (relaxed: {relaxed})>"


def redacted(finding: ConformanceFailure, redactor: Redactor) -> ConformanceFailure:
    """``finding`` with every secret value replaced by ``[REDACTED]``."""
    # A faulty server may echo a request header into a problem, and the checks quote
    # what they received.
    return ConformanceFailure(
        clause=finding.clause,
        check=finding.check,
        title=redactor.text(finding.title),
        received=redactor.text(finding.received),
        expected=redactor.text(finding.expected),
        path=redactor.text(finding.path),
    )


def response_summary(exchange: Exchange, redactor: Redactor) -> str:
    """``HTTP 200 application/json {...}``, redacted, then cut to ``RESPONSE_LIMIT``."""
    content_type = exchange.content_type or "(no Content-Type)"
    body = bytes(exchange.response.content or b"").decode("utf-8", "replace")
    # Redact before cutting: half a secret would no longer match.
    text = redactor.text(f"HTTP {exchange.status} {content_type} {body}".rstrip())
    if len(text) > RESPONSE_LIMIT:
        text = text[:RESPONSE_LIMIT] + f"… ({len(text) - RESPONSE_LIMIT} more characters)"
    return text
