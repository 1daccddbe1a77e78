"""C16, C17, C19, C20 (the bulk-update outcome): violations and their messages."""

from __future__ import annotations

import pytest
from support.exchange_builders import (
    FakeResponse,
    bulk,
    exchange,
    forbid,
    item,
    problem,
    request,
    response,
    success,
)
from support.failing_tables import Violation, assert_fails_exactly, params, text

from conformance.checks import (
    CheckContext,
    ConformanceFailure,
    Intent,
    never_requested_conformance,
    outcome_partition_conformance,
    requested_ids,
    sandbox_authorisation_conformance,
    unrequested_answers,
)
from conformance.sandbox import Incident, Sandbox, expected_outcomes

LEAK = "[C17] Answered an id that was never requested: cross-request leak (security failure)"
SANDBOX = Sandbox(writable=(Incident("inc-1", "ws-1"),), foreign=(Incident("inc-9", "ws-9"),))


def coverage(resp: FakeResponse, ids: tuple[str, ...], received: str, expected: str) -> Violation:
    return Violation(
        "outcome_coverage_conformance",
        exchange(resp, ids=ids),
        text("[C16] Requested id not answered", received, expected, "$.data"),
    )


# The four trailing strings of each helper below are the failure's title, received, expected
# and path, in the order the failure prints them.


def partition(resp: FakeResponse, ids: tuple[str, ...], *message: str) -> Violation:
    return Violation("outcome_partition_conformance", exchange(resp, ids=ids), text(*message))


def entry(forbidden: list[object], body: dict[str, object], *message: str) -> Violation:
    return Violation(
        "forbidden_entry_conformance", exchange(success([], forbidden), body), text(*message)
    )


def sandboxed(
    items: list[dict[str, object]], accepted: list[str], forbidden: list[object], *message: str
) -> Violation:
    intent = Intent(body="valid", expected=expected_outcomes(SANDBOX, items))
    return Violation(
        "sandbox_authorisation_conformance",
        exchange(success(accepted, forbidden), bulk(*items), intent),
        text(*message),
    )


VIOLATIONS = {
    "dropped id": coverage(
        success(["a"]),
        ("a", "b"),
        'no entry for "b" (request $.items[1].id)',
        "each of the 2 distinct requested ids in accepted or forbidden",
    ),
    "everything dropped, duplicates in the request": coverage(
        success(None, None),
        ("a", "b", "a", "c"),
        'no entry for "a" (request $.items[0].id), nor for 2 more requested ids',
        "each of the 3 distinct requested ids in accepted or forbidden",
    ),
    "non-string answer does not cover": coverage(
        success([1]),
        ("1",),
        'no entry for "1" (request $.items[0].id)',
        "each of the 1 distinct requested ids in accepted or forbidden",
    ),
    "forbidden is an object": Violation(
        "outcome_coverage_conformance",
        exchange(success(["a"], {"b": "NoRole"}), ids=("a", "b")),
        text(
            "[C16] Outcome list is neither a list nor null",
            '{"b": "NoRole"}',
            "a list (null or missing means empty)",
            "$.data.forbidden",
        ),
    ),
    "id never requested": partition(
        success(["a", "zz"]),
        ("a",),
        LEAK,
        '"zz" in accepted',
        "only ids this request named (1 distinct)",
        "$.data.accepted[1]",
    ),
    "forbidden id never requested": partition(
        success(["a"], [forbid("a-other-tenant")]),
        ("a",),
        LEAK,
        '"a-other-tenant" in forbidden',
        "only ids this request named (1 distinct)",
        "$.data.forbidden[0].incidentId",
    ),
    "answer to an empty request": partition(
        success(["a"]),
        (),
        LEAK,
        '"a" in accepted',
        "only ids this request named (0 distinct)",
        "$.data.accepted[0]",
    ),
    "non-string id": partition(
        success([1, "a"]),
        ("a",),
        "[C17] Answered id is not a string",
        "1",
        "an incident id string from this request",
        "$.data.accepted[0]",
    ),
    "id answered twice in accepted": partition(
        success(["a", "b", "a"]),
        ("a", "b"),
        "[C17] Id answered twice",
        '"a" at $.data.accepted[0] and $.data.accepted[2]',
        "each requested id answered once",
        "$.data.accepted[2]",
    ),
    "id answered twice in forbidden": partition(
        success([], [forbid("a"), forbid("a", "ws-2")]),
        ("a",),
        "[C17] Id answered twice",
        '"a" at $.data.forbidden[0].incidentId and $.data.forbidden[1].incidentId',
        "each requested id answered once",
        "$.data.forbidden[1].incidentId",
    ),
    "id in both lists": partition(
        success(["a", "b"], [forbid("b")]),
        ("a", "b"),
        "[C17] Id in both accepted and forbidden",
        '"b" at $.data.accepted[1] and $.data.forbidden[0].incidentId',
        "each requested id in exactly one list",
        "$.data.forbidden[0].incidentId",
    ),
    "forbidden entry is a string": entry(
        ["a"],
        bulk(item("a")),
        "[C19] Forbidden entry is not an object",
        '"a"',
        "an object with incidentId, workspaceId and reason",
        "$.data.forbidden[0]",
    ),
    "forbidden entry without incidentId": entry(
        [{"workspaceId": "ws-9", "reason": "NoRole"}],
        bulk(item("a")),
        "[C19] Forbidden entry has no incidentId",
        "(missing)",
        "the incident id string the entry answers for",
        "$.data.forbidden[0].incidentId",
    ),
    "forbidden entry with a numeric incidentId": entry(
        [forbid(7)],
        bulk(item("7")),
        "[C19] Forbidden entry has no incidentId",
        "7",
        "the incident id string the entry answers for",
        "$.data.forbidden[0].incidentId",
    ),
    "forbidden entry without reason": entry(
        [forbid("a"), {"incidentId": "b", "workspaceId": None}],
        bulk(item("a"), item("b")),
        "[C19] Forbidden entry has no reason",
        "(missing)",
        "a reason string with more than whitespace in it",
        "$.data.forbidden[1].reason",
    ),
    "forbidden entry with an empty reason": entry(
        [forbid("a", reason="")],
        bulk(item("a")),
        "[C19] Forbidden entry has no reason",
        '""',
        "a reason string with more than whitespace in it",
        "$.data.forbidden[0].reason",
    ),
    "forbidden entry with a blank reason": entry(
        [forbid("a", reason=" ")],
        bulk(item("a")),
        "[C19] Forbidden entry has no reason",
        '" "',
        "a reason string with more than whitespace in it",
        "$.data.forbidden[0].reason",
    ),
    "forbidden entry with a reason of tabs, newlines and no-break spaces": entry(
        [forbid("a", reason="\t\n\u00a0\u3000")],
        bulk(item("a")),
        "[C19] Forbidden entry has no reason",
        '"\\t\\n\u00a0\u3000"',
        "a reason string with more than whitespace in it",
        "$.data.forbidden[0].reason",
    ),
    "forbidden entry with a null reason": entry(
        [forbid("a", reason=None)],
        bulk(item("a")),
        "[C19] Forbidden entry has no reason",
        "null",
        "a reason string with more than whitespace in it",
        "$.data.forbidden[0].reason",
    ),
    "forbidden entry names another workspace": entry(
        [forbid("a", "ws-2")],
        bulk(item("a", "ws-1")),
        "[C19] Forbidden entry names a different workspace",
        '"ws-2"',
        '"ws-1", as the request named for "a"',
        "$.data.forbidden[0].workspaceId",
    ),
    "forbidden entry drops the named workspace": entry(
        [forbid("a", None)],
        bulk(item("a", "ws-1"), item("a", "ws-3")),
        "[C19] Forbidden entry names a different workspace",
        "null",
        'one of ["ws-1", "ws-3"], as the request named for "a"',
        "$.data.forbidden[0].workspaceId",
    ),
    "blank hint on another id does not excuse this one": entry(
        [forbid("a", None), forbid("b", None)],
        bulk(item("a", "ws-1"), item("b", "  ")),
        "[C19] Forbidden entry names a different workspace",
        "null",
        '"ws-1", as the request named for "a"',
        "$.data.forbidden[0].workspaceId",
    ),
    "padded hint answered with another workspace": entry(
        [forbid("a", "ws-2")],
        bulk(item("a", " ws-1 ")),
        "[C19] Forbidden entry names a different workspace",
        '"ws-2"',
        '" ws-1 ", as the request named for "a"',
        "$.data.forbidden[0].workspaceId",
    ),
    "trimmed answer still held to the workspace named": entry(
        [forbid("a", "ws-2")],
        bulk(item("a  ", "ws-1")),
        "[C19] Forbidden entry names a different workspace",
        '"ws-2"',
        '"ws-1", as the request named for "a"',
        "$.data.forbidden[0].workspaceId",
    ),
    "null incidentId when no blank id was sent": entry(
        [forbid(None)],
        bulk(item("a")),
        "[C19] Forbidden entry has no incidentId",
        "null",
        "the incident id string the entry answers for",
        "$.data.forbidden[0].incidentId",
    ),
    "blank id not answered": coverage(
        success(["a"]),
        ("a", "  "),
        'no entry for "  " (request $.items[1].id)',
        "each of the 2 distinct requested ids in accepted or forbidden",
    ),
    "padded id answered as another id": coverage(
        success(["cfct-y"]),
        ("cfct-x  ",),
        'no entry for "cfct-x  " (request $.items[0].id)',
        "each of the 1 distinct requested ids in accepted or forbidden",
    ),
    "an id matching nothing even once normalised is a leak": partition(
        success(["cfct-x", "cfct-x2"]),
        ("cfct-x  ",),
        LEAK,
        '"cfct-x2" in accepted',
        "only ids this request named (1 distinct)",
        "$.data.accepted[1]",
    ),
    "padded id answered in both forms": partition(
        success(["cfct-x", "cfct-x "]),
        ("cfct-x ",),
        "[C17] Id answered twice",
        '"cfct-x" at $.data.accepted[0] and "cfct-x " at $.data.accepted[1]',
        "each requested id answered once",
        "$.data.accepted[1]",
    ),
    "id in another case in both lists": partition(
        success(["inc-1"], [forbid("INC-1")]),
        ("inc-1",),
        "[C17] Id in both accepted and forbidden",
        '"inc-1" at $.data.accepted[0] and "INC-1" at $.data.forbidden[0].incidentId',
        "each requested id in exactly one list",
        "$.data.forbidden[0].incidentId",
    ),
    "blank id answered by two entries": partition(
        success([], [forbid(None), forbid("")]),
        ("",),
        "[C17] Id answered twice",
        'null at $.data.forbidden[0].incidentId and "" at $.data.forbidden[1].incidentId',
        "each requested id answered once",
        "$.data.forbidden[1].incidentId",
    ),
    "blank id accepted as null": partition(
        success([None]),
        (" ",),
        "[C17] Answered id is not a string",
        "null",
        "an incident id string from this request",
        "$.data.accepted[0]",
    ),
    "foreign incident accepted": sandboxed(
        [item("inc-9")],
        ["inc-9"],
        [],
        "[C20] Incident the credential may not update was accepted (authorisation bypass)",
        '"inc-9" in accepted',
        '"inc-9" in forbidden: foreign, unknown or in another workspace',
        "$.data.accepted[0]",
    ),
    "unknown incident accepted": sandboxed(
        [item("inc-1"), item("no-such-incident")],
        ["inc-1", "no-such-incident"],
        [],
        "[C20] Incident the credential may not update was accepted (authorisation bypass)",
        '"no-such-incident" in accepted',
        '"no-such-incident" in forbidden: foreign, unknown or in another workspace',
        "$.data.accepted[1]",
    ),
    "writable incident via a foreign workspace accepted": sandboxed(
        [item("inc-1", "ws-9")],
        ["inc-1"],
        [],
        "[C20] Incident the credential may not update was accepted (authorisation bypass)",
        '"inc-1" in accepted',
        '"inc-1" in forbidden: foreign, unknown or in another workspace',
        "$.data.accepted[0]",
    ),
    "padded foreign incident accepted trimmed": sandboxed(
        [item("inc-9 ")],
        ["inc-9"],
        [],
        "[C20] Incident the credential may not update was accepted (authorisation bypass)",
        '"inc-9" in accepted',
        '"inc-9" in forbidden: foreign, unknown or in another workspace',
        "$.data.accepted[0]",
    ),
    "blank id accepted": sandboxed(
        [item("inc-1"), item("")],
        ["inc-1", ""],
        [],
        "[C20] Incident the credential may not update was accepted (authorisation bypass)",
        '"" in accepted',
        '"" in forbidden: foreign, unknown or in another workspace',
        "$.data.accepted[1]",
    ),
    "writable incident forbidden in another case": sandboxed(
        [item("inc-1")],
        [],
        [forbid("INC-1", None)],
        "[C20] Writable incident was forbidden",
        '"INC-1" in forbidden',
        '"INC-1" in accepted: the sandbox lets this credential update it',
        "$.data.forbidden[0].incidentId",
    ),
    "writable incident forbidden": sandboxed(
        [item("inc-1", "ws-1")],
        [],
        [forbid("inc-1", "ws-1")],
        "[C20] Writable incident was forbidden",
        '"inc-1" in forbidden',
        '"inc-1" in accepted: the sandbox lets this credential update it',
        "$.data.forbidden[0].incidentId",
    ),
    "valid request with a writable incident rejected": Violation(
        "sandbox_authorisation_conformance",
        exchange(
            problem(400, "VALIDATION_ERROR", errors={"items[0].status": ["must be valid"]}),
            bulk(item("inc-1", "ws-1", status="New")),
            Intent(body="valid", expected=expected_outcomes(SANDBOX, [item("inc-1", "ws-1")])),
        ),
        text(
            "[C20] Request updating a writable incident was rejected",
            "HTTP 400",
            '2xx with "inc-1" in accepted: the body is schema-valid and the sandbox lets this '
            "credential update it",
            "$",
        ),
    ),
}


@pytest.mark.parametrize("violation", params(VIOLATIONS))
def test_violation_fails_with_exact_message(violation: Violation) -> None:
    assert_fails_exactly(violation)


def test_relaxing_c17_still_reports_a_leak() -> None:
    relaxed = CheckContext(relaxed=frozenset({"C17"}))
    outcome_partition_conformance(exchange(success(["a", "a"], [forbid("a")]), ids=("a",)), relaxed)
    with pytest.raises(ConformanceFailure, match="cross-request leak"):
        outcome_partition_conformance(exchange(success(["a", "b"]), ids=("a",)), relaxed)


@pytest.mark.parametrize(
    ("answered", "sent", "leaks"),
    [
        pytest.param(["cfct-a"], {"cfct-a  "}, [], id="trimmed"),
        pytest.param(["cfct-\u00e9"], {"cfct-e\u0301"}, [], id="NFC"),
        pytest.param(["cfct-abc"], {"CFCT-ABC"}, [], id="lower case"),
        pytest.param(["cfct-a", "cfct-b"], {"cfct-a "}, ["cfct-b"], id="another id"),
        pytest.param(["cfct-a"], set(), ["cfct-a"], id="nothing sent"),
    ],
)
def test_an_answer_is_from_another_request_only_if_it_matches_nothing_sent(
    answered: list[str], sent: set[str], leaks: list[str]
) -> None:
    found = unrequested_answers(exchange(success(answered)), sent)
    assert [a.value for a in found] == leaks


def test_leak_helper_takes_the_ids_the_caller_sent() -> None:
    answered = exchange(success(["a", "b"], [forbid("c")]), ids=("a",))
    assert [a.value for a in unrequested_answers(answered, {"a", "b"})] == ["c"]
    never_requested_conformance(answered, {"a", "b", "c"})
    with pytest.raises(ConformanceFailure) as caught:
        never_requested_conformance(answered, {"a"})
    assert (caught.value.clause, caught.value.check, caught.value.path) == (
        "C17",
        "never_requested_conformance",
        "$.data.accepted[1]",
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            bulk(item("a"), item("b"), item("a")), {"a": 0, "b": 1}, id="duplicates keep the first"
        ),
        pytest.param(
            bulk(item(None), {"id": 3}, "x", item("c")), {"c": 3}, id="non-string ids skipped"
        ),
        pytest.param({"items": None}, {}, id="null items"),
        pytest.param({"items": {"id": "a"}}, {}, id="items not a list"),
        pytest.param([item("a")], {}, id="body not an object"),
    ],
)
def test_requested_ids(body: object, expected: dict[str, int]) -> None:
    assert requested_ids(request(body)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "intent",
    [
        pytest.param(Intent(body="valid", expected={"cfct-x": "forbidden"}), id="nothing-writable"),
        pytest.param(Intent(body="unknown", expected={"inc-1": "accepted"}), id="body-not-vouched"),
        pytest.param(
            Intent(auth="no_scope", body="valid", expected={"inc-1": "accepted"}), id="no-scope"
        ),
    ],
)
def test_a_rejection_is_only_blamed_on_the_server_when_the_request_was_good(
    intent: Intent,
) -> None:
    rejected = exchange(problem(400, "VALIDATION_ERROR"), bulk(item("inc-1")), intent)
    sandbox_authorisation_conformance(rejected, CheckContext())


def test_outcome_checks_skip_responses_without_a_data_object() -> None:
    odd = exchange(response(200, {"data": [1], "meta": {}}, "application/json"), ids=("a",))
    outcome_partition_conformance(odd, CheckContext())
