"""A read-back GET (C21) is judged by the envelope and problem clauses, never by the outcome
clauses: its ``data`` is an incident or a list, not the bulk update's outcome."""

from __future__ import annotations

from typing import Any

import pytest
from support.exchange_builders import REQUEST_ID, TIMESTAMP, FakeResponse, problem, response

from conformance.checks import CheckContext, Exchange, Intent, Request, judge

READ = Intent(auth="valid", body="valid", operation="read")
GET = Request("GET", "https://sandbox.example/api/v2/workspaces/w/incidents/Sentinel/INC-1")
META = {"requestId": REQUEST_ID, "timestamp": TIMESTAMP}
OUTCOME_CLAUSES = {"C16", "C17", "C18", "C19", "C20"}


def _read(answer: FakeResponse) -> Exchange:
    return Exchange(GET, answer, READ)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"id": "INC-1", "status": "New"}, id="an-incident"),
        pytest.param([{"message": "a note"}], id="a-list-of-comments"),
        pytest.param([], id="an-empty-list"),
    ],
)
def test_a_read_answer_in_the_envelope_conforms(data: Any) -> None:
    judgement = judge(
        _read(response(200, {"data": data, "meta": META}, "application/json")),
        context=CheckContext(),
    )
    assert judgement.failures == ()
    assert {"C1", "C2", "C3", "C15"} <= judgement.clauses
    assert not judgement.clauses & OUTCOME_CLAUSES


@pytest.mark.parametrize(
    ("body", "title"),
    [
        pytest.param({"meta": META}, "Success body has no data", id="no-data"),
        pytest.param(
            {"data": "INC-1", "meta": META},
            "Success data is neither an object nor a list",
            id="data-a-string",
        ),
    ],
)
def test_a_read_without_data_breaks_c1(body: Any, title: str) -> None:
    judgement = judge(_read(response(200, body, "application/json")), context=CheckContext())
    assert [(f.clause, f.title) for f in judgement.failures] == [("C1", title)]


def test_a_bulk_update_answer_with_a_list_as_data_still_breaks_c1() -> None:
    answer = response(200, {"data": [], "meta": META}, "application/json")
    bulk = Exchange(Request("POST", "https://sandbox.example/x"), answer, Intent())
    assert ("C1", "Success data is not an object") in {
        (f.clause, f.title) for f in judge(bulk, context=CheckContext()).failures
    }


def test_a_read_problem_is_judged_by_the_problem_clauses() -> None:
    judgement = judge(_read(problem(404, "NOT_FOUND")), context=CheckContext())
    assert judgement.failures == ()
    assert {"C5", "C6", "C7", "C8", "C10"} <= judgement.clauses


def test_an_unknown_operation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown operation 'list'"):
        Intent(operation="list")  # type: ignore[arg-type]
