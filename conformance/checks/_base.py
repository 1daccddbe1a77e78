"""Plumbing shared by the clause modules: the check wrapper and readers for common shapes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NoReturn

from conformance.checks.context import CheckContext
from conformance.checks.exchange import Exchange, JsonValue
from conformance.checks.failure import MISSING, ConformanceFailure, render

__all__ = [
    "ABSENT",
    "Absent",
    "CheckFunction",
    "ClauseCheck",
    "Violation",
    "body_object",
    "clause_check",
    "fail",
    "is_error",
    "is_success",
    "member",
    "shown",
]

CheckFunction = Callable[[Exchange, CheckContext], None]


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
    """A check bound to its clause: call it as ``check(exchange, context)``."""

    def __init__(self, function: CheckFunction, clause: str, *, skip_when_relaxed: bool) -> None:
        functools.update_wrapper(self, function)
        self.function = function
        self.clause = clause
        self.name = function.__name__
        self.skip_when_relaxed = skip_when_relaxed

    def __call__(self, exchange: Exchange, context: CheckContext) -> None:
        if self.skip_when_relaxed and context.is_relaxed(self.clause):
            return
        try:
            self.function(exchange, context)
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
    clause: str, *, skip_when_relaxed: bool = False
) -> Callable[[CheckFunction], ClauseCheck]:
    """Bind a check function to the contract clause it asserts."""

    def bind(function: CheckFunction) -> ClauseCheck:
        return ClauseCheck(function, clause, skip_when_relaxed=skip_when_relaxed)

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
