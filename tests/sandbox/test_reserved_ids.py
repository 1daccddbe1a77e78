"""The reserved namespace: one builder, and the rule for what may follow ``cfct-``."""

from __future__ import annotations

import uuid

import pytest

from conformance.sandbox import (
    Incident,
    Sandbox,
    expected_outcomes,
    is_reserved_id,
    reserved_id,
    reserved_id_with,
    suffix_problem,
)


def test_random_reserved_ids_are_uuid4_and_differ() -> None:
    first, second = reserved_id(), reserved_id()
    assert first != second
    assert uuid.UUID(first.removeprefix("cfct-")).version == 4


@pytest.mark.parametrize(
    ("bits", "expected"),
    [
        pytest.param(0, "cfct-00000000-0000-4000-8000-000000000000", id="zero"),
        pytest.param(2**128 - 1, "cfct-ffffffff-ffff-4fff-bfff-ffffffffffff", id="all-ones"),
        pytest.param(2**128, "cfct-00000000-0000-4000-8000-000000000000", id="wraps"),
    ],
)
def test_reserved_ids_from_bits_replay(bits: int, expected: str) -> None:
    assert reserved_id(bits) == expected == reserved_id(bits)


@pytest.mark.parametrize(
    ("suffix", "problem"),
    [
        pytest.param(
            "a/b", "the suffix contains '/', which could resolve another incident", id="/"
        ),
        pytest.param(
            "%2E%2e", "the suffix contains '%2e', which could resolve another incident", id="%2e"
        ),
        pytest.param(
            "\uff3c", "the suffix contains '\\\\', which could resolve another incident", id="nfkc"
        ),
        pytest.param("x-INC-1-y", "the suffix contains the sandbox id 'INC-1'", id="sandbox-id"),
        pytest.param("inc-1", "the suffix contains the sandbox id 'INC-1'", id="other-case"),
        pytest.param(
            "xINC-1001x", "the suffix contains the sandbox id 'INC-1001'", id="long-id-anywhere"
        ),
    ],
)
def test_suffix_problems_name_the_cause(suffix: str, problem: str) -> None:
    assert suffix_problem(suffix, ["INC-1", "INC-1001"]) == problem
    with pytest.raises(ValueError, match=r"^not a reserved id suffix: "):
        reserved_id_with(suffix, ["INC-1", "INC-1001"])


@pytest.mark.parametrize(
    "suffix",
    ["x" * 4096, "é\u0301漢字🚨", "  padded  ", "\x00\t\x1b", "'\"`", "a.b", "%41", "5inc-12"],
)
def test_allowed_suffixes_build_reserved_ids(suffix: str) -> None:
    built = reserved_id_with(suffix, ["INC-1"])
    assert built == "cfct-" + suffix
    assert is_reserved_id(built, ["INC-1"])


def test_a_blank_hint_leaves_a_writable_outcome_open() -> None:
    sandbox = Sandbox(writable=(Incident("INC-1", "w1"),), foreign=(Incident("INC-9", "w3"),))
    items = [
        {"id": "INC-1", "workspace": "  "},
        {"id": "INC-9", "workspace": ""},
        {"id": "cfct-x", "workspace": ""},
    ]
    assert expected_outcomes(sandbox, items) == {
        "INC-1": None,
        "INC-9": "forbidden",
        "cfct-x": "forbidden",
    }
