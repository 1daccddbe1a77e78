"""The registry: names, clauses, and running every check without one hiding another."""

from __future__ import annotations

import re

import pytest

from conformance.checks import (
    CHECKS,
    CheckContext,
    ConformanceFailure,
    Intent,
    assert_conforms,
    checks_by_clause,
    iter_failures,
)

from .builders import bulk, exchange, item, problem, response, success

# A 500 served as JSON, with an old-style error body, for a schema-violating request.
BROKEN = exchange(
    response(500, {"error": {"message": "boom"}}, "application/json"),
    bulk(item(None)),
    Intent(body="invalid"),
)


def test_checks_by_clause_lists_every_clause() -> None:
    assert checks_by_clause() == {
        "C1": ("success_media_type_conformance", "success_envelope_conformance"),
        "C2": ("request_id_conformance",),
        "C3": ("timestamp_conformance",),
        "C4": (),
        "C5": ("problem_media_type_conformance", "problem_body_conformance"),
        "C6": ("problem_status_conformance",),
        "C7": ("problem_code_conformance",),
        "C8": ("problem_trace_conformance",),
        "C9": ("validation_errors_conformance",),
        "C10": ("problem_members_conformance",),
        "C11": ("status_code_mapping_conformance",),
        "C12": ("authentication_conformance",),
        "C13": ("auth_before_validation_conformance",),
        "C14": ("scope_conformance",),
        "C15": ("no_server_error_conformance",),
        "C16": ("outcome_coverage_conformance",),
        "C17": ("outcome_partition_conformance",),
        "C18": (),
        "C19": ("forbidden_entry_conformance",),
        "C20": ("sandbox_authorisation_conformance",),
        "C21": (),
        "C22": (),
    }


@pytest.mark.parametrize("name", list(CHECKS))
def test_each_check_docstring_names_its_clause(name: str) -> None:
    check = CHECKS[name]
    assert re.match(rf"{check.clause}\b", check.__doc__ or "")


def test_one_failure_does_not_hide_the_others() -> None:
    assert [(f.clause, f.check) for f in iter_failures(BROKEN, context=CheckContext())] == [
        ("C5", "problem_media_type_conformance"),
        ("C6", "problem_status_conformance"),
        ("C7", "problem_code_conformance"),
        ("C8", "problem_trace_conformance"),
        ("C11", "status_code_mapping_conformance"),
        ("C15", "no_server_error_conformance"),
    ]


def test_only_filters_by_clause() -> None:
    failures = iter_failures(BROKEN, context=CheckContext(), only={"C11", "C15", "C17"})
    assert [f.clause for f in failures] == ["C11", "C15"]


def test_only_rejects_unknown_clauses() -> None:
    with pytest.raises(ValueError, match=r"^unknown clause ids: C0, c5$"):
        list(iter_failures(BROKEN, context=CheckContext(), only={"c5", "C0", "C1"}))


def test_assert_conforms_raises_the_first_and_notes_the_rest() -> None:
    with pytest.raises(ConformanceFailure) as caught:
        assert_conforms(BROKEN, context=CheckContext(), only={"C7", "C15"})
    assert caught.value.clause == "C7"
    assert caught.value.__notes__ == [
        "Also failed:\n[C15] Server error\n"
        "Received: HTTP 500\nExpected: a status below 500, whatever the request\nAt: HTTP status"
    ]


def test_assert_conforms_passes_quietly() -> None:
    assert_conforms(exchange(success(["a"]), ids=("a",)), context=CheckContext())
    assert_conforms(exchange(problem(404)), context=CheckContext())
