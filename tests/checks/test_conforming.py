"""Every check passes on conforming exchanges, including each tolerated variation."""

from __future__ import annotations

import pytest
from support.conforming_exchanges import ALL, CONFORMING, Example

from conformance.checks import CHECKS, iter_failures


def test_every_check_has_at_least_five_conforming_examples() -> None:
    assert {name: len(CONFORMING[name]) >= 5 for name in CHECKS} == dict.fromkeys(CHECKS, True)


@pytest.mark.parametrize(
    ("name", "example"),
    [
        pytest.param(name, example, id=f"{name}: {example.label}")
        for name, examples in CONFORMING.items()
        for example in examples
    ],
)
def test_check_passes_on_its_conforming_examples(name: str, example: Example) -> None:
    CHECKS[name](example.exchange, example.context)


@pytest.mark.parametrize("example", [pytest.param(e, id=e.label) for e in ALL])
def test_no_check_fails_on_any_conforming_example(example: Example) -> None:
    assert [str(f) for f in iter_failures(example.exchange, context=example.context)] == []
