"""The registry: names, clauses, and running every check without one hiding another."""

from __future__ import annotations

import re

import pytest
from support.exchange_builders import DROP, bulk, exchange, forbid, item, problem, response, success

from conformance.checks import (
    CHECKS,
    JUDGED,
    CheckContext,
    ConformanceFailure,
    Exchange,
    Intent,
    Judgement,
    assert_conforms,
    checks_by_clause,
    iter_failures,
    judge,
)
from conformance.sandbox import Incident, Sandbox, expected_outcomes

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
        "C21a": (),
        "C21b": (),
        "C21c": (),
        "C21d": (),
        "C21e": (),
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


SANDBOX = Sandbox(writable=(Incident("inc-1", "ws-1"),), foreign=(Incident("inc-9", "ws-9"),))
ONE_WRITABLE = [item("inc-1")]
GOOD = Intent(body="valid", expected=expected_outcomes(SANDBOX, ONE_WRITABLE))

# Which clauses each exchange exercises: the checks say so themselves, and C4 (tolerated by
# every check) and C18 (by the outcome checks) come with them.
JUDGED_CLAUSES = {
    "200 with an accepted id": (
        exchange(success(["inc-1"]), ids=("inc-1",)),
        {"C1", "C2", "C3", "C4", "C15", "C16", "C17", "C18"},
    ),
    "200 with a forbidden entry": (
        exchange(success([], [forbid("inc-9")]), ids=("inc-9",)),
        {"C1", "C2", "C3", "C4", "C15", "C16", "C17", "C18", "C19"},
    ),
    "200 for a sandboxed request": (
        exchange(success(["inc-1"]), bulk(*ONE_WRITABLE), GOOD),
        {"C1", "C2", "C3", "C4", "C15", "C16", "C17", "C18", "C20"},
    ),
    "sandboxed request rejected as a whole": (
        exchange(problem(404), bulk(*ONE_WRITABLE), GOOD),
        {"C2", "C3", "C4", "C5", "C6", "C7", "C8", "C10", "C15", "C20"},
    ),
    "sandboxed request without a decided outcome": (
        exchange(success(), intent=Intent(body="valid", expected={})),
        {"C1", "C2", "C3", "C4", "C15", "C16", "C17", "C18"},
    ),
    "200 without a data object": (
        exchange(response(200, {"meta": {}}, "application/json"), ids=("a",)),
        {"C1", "C4", "C15"},
    ),
    "VALIDATION_ERROR for an invalid body": (
        exchange(problem(400), bulk(item(None)), Intent(body="invalid")),
        {"C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11", "C15"},
    ),
    "problem without errors, RFC 7807 members or trace": (
        exchange(response(404, {"status": 404, "code": "NOT_FOUND"}, "application/problem+json")),
        {"C4", "C5", "C6", "C7", "C8", "C15"},
    ),
    "error body that is not an object": (
        exchange(response(502, b"Bad gateway", "text/plain")),
        {"C4", "C5", "C15"},
    ),
    "401 for missing credentials and an invalid body": (
        exchange(problem(401, "UNAUTHORIZED"), [1], Intent(auth="missing", body="invalid")),
        {"C2", "C3", "C4", "C5", "C6", "C7", "C8", "C10", "C12", "C13", "C15"},
    ),
    "401 for wrong credentials and a valid body": (
        exchange(problem(401, "UNAUTHORIZED"), bulk(item("a")), Intent(auth="invalid")),
        {"C2", "C3", "C4", "C5", "C6", "C7", "C8", "C10", "C12", "C15"},
    ),
    "400 for missing credentials and a body of unknown validity": (
        exchange(problem(400), {"items": 1}, Intent(auth="missing")),
        {"C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C13", "C15"},
    ),
    "403 for a credential without the scope": (
        exchange(problem(403), bulk(item("a")), Intent(auth="no_scope", body="valid")),
        {"C2", "C3", "C4", "C5", "C6", "C7", "C8", "C10", "C14", "C15"},
    ),
    "400 for a credential without the scope and an invalid body": (
        exchange(problem(400), bulk(item(None)), Intent(auth="no_scope", body="invalid")),
        {"C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C15"},
    ),
}


@pytest.mark.parametrize(
    ("sent", "clauses"),
    [pytest.param(*case, id=label) for label, case in JUDGED_CLAUSES.items()],
)
def test_judge_reports_the_clauses_the_checks_judged(sent: Exchange, clauses: set[str]) -> None:
    # Some of these exchanges fail a check, which judged them all the same.
    assert judge(sent, context=CheckContext()).clauses == clauses


def test_a_failing_check_counts_as_judged() -> None:
    judgement = judge(BROKEN, context=CheckContext())
    assert [f.check for f in judgement.failures] == [
        f.check for f in iter_failures(BROKEN, context=CheckContext())
    ]
    assert judgement.clauses == {"C4", "C5", "C6", "C7", "C8", "C11", "C15"}


def test_judge_runs_only_the_chosen_clauses() -> None:
    judgement = judge(BROKEN, context=CheckContext(), only={"C6", "C9"})
    assert ([f.clause for f in judgement.failures], judgement.clauses) == (
        ["C6"],
        {"C4", "C6"},
    )


@pytest.mark.parametrize(
    ("relaxed", "sent", "clauses"),
    [
        pytest.param(
            "C2",
            exchange(success(["a"]), ids=("a",)),
            {"C1", "C3", "C4", "C15", "C16", "C17", "C18"},
            id="C2 relaxed: nothing of it is left to judge",
        ),
        pytest.param(
            "C13",
            exchange(problem(401, "UNAUTHORIZED"), [1], Intent(auth="missing", body="invalid")),
            {"C2", "C3", "C4", "C5", "C6", "C7", "C8", "C10", "C12", "C15"},
            id="C13 relaxed: nothing of it is left to judge",
        ),
        pytest.param(
            "C9",
            exchange(problem(400, errors=DROP), bulk(item(None)), Intent(body="invalid")),
            {"C2", "C3", "C4", "C5", "C6", "C7", "C8", "C10", "C11", "C15"},
            id="C9 relaxed: a VALIDATION_ERROR without errors leaves nothing to judge",
        ),
        pytest.param(
            "C17",
            exchange(success(["a", "a"]), ids=("a",)),
            {"C1", "C2", "C3", "C4", "C15", "C16", "C17", "C18"},
            id="C17 relaxed: the leak check still judges",
        ),
    ],
)
def test_relaxed_clauses_are_judged_only_for_what_they_still_check(
    relaxed: str, sent: Exchange, clauses: set[str]
) -> None:
    context = CheckContext(relaxed=frozenset({relaxed}))
    assert judge(sent, context=context) == Judgement((), frozenset(clauses))


@pytest.mark.parametrize(
    ("name", "sent", "verdict"),
    [
        pytest.param("no_server_error_conformance", exchange(problem(404)), JUDGED, id="judged"),
        pytest.param("problem_status_conformance", exchange(success()), None, id="not applicable"),
    ],
)
def test_calling_a_check_returns_its_verdict(name: str, sent: Exchange, verdict: object) -> None:
    assert CHECKS[name](sent, CheckContext()) is verdict
