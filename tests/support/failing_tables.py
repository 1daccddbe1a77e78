"""Shared shape of the failing tables: a check, an exchange, and the exact failure text."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from conformance.checks import CHECKS, CheckContext, ConformanceFailure, Exchange


@dataclass(frozen=True)
class Violation:
    check: str
    exchange: Exchange
    message: str
    context: CheckContext = field(default_factory=CheckContext)


def text(*lines: str) -> str:
    """A failure's text from its title, received, expected and path, as tables read best."""
    title, received, expected, at = lines
    return f"{title}\nReceived: {received}\nExpected: {expected}\nAt: {at}"


def params(violations: dict[str, Violation]) -> list[object]:
    return [pytest.param(v, id=label) for label, v in violations.items()]


def assert_fails_exactly(violation: Violation) -> ConformanceFailure:
    check = CHECKS[violation.check]
    with pytest.raises(ConformanceFailure) as caught:
        check(violation.exchange, violation.context)
    failure = caught.value
    assert str(failure) == violation.message
    assert (failure.clause, failure.check) == (check.clause, check.name)
    return failure


__all__ = ["Violation", "assert_fails_exactly", "params", "text"]
