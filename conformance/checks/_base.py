"""Plumbing shared by the clause modules: the check wrapper and readers for common shapes."""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Final, NoReturn

from conformance.checks.context import CheckContext
from conformance.checks.exchange import Exchange, JsonValue
from conformance.checks.failure import MISSING, ConformanceFailure, render

__all__ = [
    "ABSENT",
    "JUDGED",
    "Absent",
    "CheckFunction",
    "ClauseCheck",
    "Judged",
    "Violation",
    "body_object",
    "clause_check",
    "fail",
    "is_error",
    "is_success",
    "member",
    "shown",
]


class Judged(enum.Enum):
    """What a check returns when it judged an exchange and found nothing wrong.

    A check returns ``None`` when the exchange does not exercise its clause (a 2xx for a
    problem check, a request without a sandbox expectation for C20...), so that a report
    can tell a clause that passed from one no exchange tried. A check that finds a
    violation raises instead.
    """

    JUDGED = "judged"


JUDGED: Final = Judged.JUDGED

CheckFunction = Callable[[Exchange, CheckContext], Judged | None]


class Violation(Exception):
    """Raised inside a check body; the wrapper turns it into a ConformanceFailure.

    This keeps each check free of repeating its own clause id and name.
    """

    def __init__(self, title: str, *, received: str, expected: str, at: str) -> None:
        super().__init__(title)
        self.title = title
        self.received = received
        self.expected = expected
        self.at = at


def fail(title: str, *, received: str, expected: str, at: str) -> NoReturn:
    raise Violation(title, received=received, expected=expected, at=at)


class ClauseCheck:
    """A check bound to its clause: call it as ``check(exchange, context)``.

    The call returns ``JUDGED`` when the check judged the exchange and it conforms, ``None``
    when the exchange does not exercise the clause (or the clause is relaxed and nothing of
    it is left to check), and raises ``ConformanceFailure`` on a violation. Callers that only
    care about failures can ignore the return value.

    ``tolerates`` names the tolerance clauses the check applies as it reads (C18 for the
    outcome checks, which read a null list as an empty one): an exchange the check judged
    exercised those too.
    """

    def __init__(
        self,
        function: CheckFunction,
        clause: str,
        *,
        skip_when_relaxed: bool,
        tolerates: tuple[str, ...] = (),
    ) -> None:
        functools.update_wrapper(self, function)
        self.function = function
        self.clause = clause
        self.name = function.__name__
        self.skip_when_relaxed = skip_when_relaxed
        self.tolerates = tolerates

    def __call__(self, exchange: Exchange, context: CheckContext) -> Judged | None:
        if self.skip_when_relaxed and context.is_relaxed(self.clause):
            return None
        try:
            return self.function(exchange, context)
        except Violation as violation:
            raise ConformanceFailure(
                clause=self.clause,
                check=self.name,
                title=violation.title,
                received=violation.received,
                expected=violation.expected,
                path=violation.at,
            ) from None

    def __repr__(self) -> str:
        return f"<check {self.name} ({self.clause})>"


def clause_check(
    clause: str, *, skip_when_relaxed: bool = False, tolerates: tuple[str, ...] = ()
) -> Callable[[CheckFunction], ClauseCheck]:
    """Bind a check function to the contract clause it asserts."""

    def bind(function: CheckFunction) -> ClauseCheck:
        return ClauseCheck(
            function, clause, skip_when_relaxed=skip_when_relaxed, tolerates=tolerates
        )

    return bind


def is_success(status: int) -> bool:
    return 200 <= status < 300


def is_error(status: int) -> bool:
    return 400 <= status < 600


def body_object(exchange: Exchange) -> dict[str, JsonValue] | None:
    """The response body when it is a JSON object, else None (the body checks report that)."""
    body = exchange.response_body
    return body if isinstance(body, dict) else None


class Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = Absent()


def member(container: dict[str, JsonValue], name: str) -> JsonValue | Absent:
    """A member, or ABSENT, so that a missing member and an explicit null stay distinct."""
    return container.get(name, ABSENT)


def shown(value: JsonValue | Absent) -> str:
    """How a member appears after "Received:"."""
    return MISSING if isinstance(value, Absent) else render(value)
