"""The recorder counts each clause from what the checks say they judged."""

from __future__ import annotations

import json

import httpx
import pytest

from conformance.checks import CheckContext, Exchange, Intent, Request
from conformance.run.credentials import Redactor
from conformance.run.recorder import Recorder

URL = "https://sandbox.example/api/v2/incidents/across-workspaces/bulk-update"
META = {"requestId": "0HNLBAGCRD4RN:00000003", "timestamp": "2026-04-15T20:00:00Z"}


def _exchange(status: int, body: object, media_type: str, intent: Intent) -> Exchange:
    request = Request.from_content("POST", URL, {}, json.dumps({"items": [{"id": "a"}]}))
    response = httpx.Response(
        status, content=json.dumps(body).encode(), headers={"Content-Type": media_type}
    )
    return Exchange(request, response, intent)


ACCEPTED = _exchange(
    200, {"data": {"accepted": ["a"]}, "meta": META}, "application/json", Intent(body="valid")
)
UNAUTHENTICATED = _exchange(
    401,
    {"status": 401, "code": "UNAUTHORIZED", "title": "Unauthorized", **META},
    "application/problem+json",
    Intent(auth="missing"),
)


def _recorder(only: set[str] | None = None) -> Recorder:
    return Recorder(context=CheckContext(), redactor=Redactor(), seed=1, only=only)


def test_counts_come_from_the_clauses_judged_and_c22_from_every_answer() -> None:
    recorder = _recorder()
    for exchange in (ACCEPTED, ACCEPTED, UNAUTHENTICATED):
        assert recorder.evaluate(exchange) == []
    assert dict(recorder.checked) == {
        **dict.fromkeys(["C1", "C16", "C17", "C18"], 2),
        **dict.fromkeys(["C5", "C6", "C7", "C8", "C10", "C12"], 1),
        **dict.fromkeys(["C2", "C3", "C4", "C15", "C22"], 3),
    }


def test_a_clause_no_check_judged_is_skipped_not_passed() -> None:
    recorder = _recorder()
    recorder.evaluate(ACCEPTED)
    results = {r.clause: (r.status, r.reason) for r in recorder.clause_results()}
    assert results["C1"] == ("passed", "")
    assert results["C19"] == ("skipped", "no exchange exercised this clause")
    assert results["C12"] == ("skipped", "no exchange exercised this clause")


@pytest.mark.parametrize(
    ("only", "expected"),
    [
        pytest.param({"C12"}, {"C12": 1}, id="a clause the exchange exercises"),
        pytest.param({"C22", "C16"}, {"C22": 1}, id="C22 and a clause it does not"),
    ],
)
def test_only_counts_the_chosen_clauses(only: set[str], expected: dict[str, int]) -> None:
    recorder = _recorder(only=only)
    recorder.evaluate(UNAUTHENTICATED)
    assert dict(recorder.checked) == expected


def test_a_relaxed_clause_with_nothing_left_to_check_is_skipped_with_the_reason() -> None:
    recorder = Recorder(
        context=CheckContext(relaxed=frozenset({"C2", "C17"})), redactor=Redactor(), seed=1
    )
    recorder.evaluate(ACCEPTED)
    results = {r.clause: (r.status, r.reason) for r in recorder.clause_results()}
    assert results["C2"] == (
        "skipped",
        "relaxed by the target file: an empty requestId is accepted "
        "(C1 and C8 still want a string)",
    )
    assert results["C17"] == (
        "passed",
        "relaxed by the target file: only answered ids nobody requested (leaks) are checked",
    )
