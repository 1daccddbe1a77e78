"""The model: what an incident should read back as after a round's writes, with the leeway the
contract gives (C21a to C21e)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.readback import (
    Demand,
    Expectation,
    Rules,
    SentWrite,
    Snapshot,
    expect,
    normal,
)

SETTLED = Snapshot(
    {
        "status": "New",
        "classification": "FalsePositive",
        "classificationReason": "NotMalicious",
        "assignee": "u-1",
    },
    frozenset({"older note"}),
)
RULES = Rules(
    fields=("status", "classification", "classificationReason", "assignee"),
    users={"u-1": "u-1", "u-2": "u-2"},
)


def _accepted(*items: dict[str, Any], index: int = 0) -> SentWrite:
    return SentWrite(index, tuple({"id": "INC-1", **item} for item in items), {"INC-1": "accepted"})


def _forbidden(*items: dict[str, Any], index: int = 0) -> SentWrite:
    return SentWrite(
        index, tuple({"id": "INC-1", **item} for item in items), {"INC-1": "forbidden"}
    )


def _demands(*writes: SentWrite, rules: Rules = RULES) -> dict[str, tuple[set[Any], str]]:
    expectation = expect("INC-1", SETTLED, writes, rules)
    assert expectation is not None
    return {name: (set(d.allowed), d.clause) for name, d in expectation.fields.items()}


@pytest.mark.parametrize(
    ("item", "field", "allowed", "clause"),
    [
        pytest.param({"status": "Closed"}, "status", {"Closed"}, "C21a", id="set-status"),
        pytest.param(
            {"status": "Closed"}, "classification", {"FalsePositive"}, "C21b", id="left-out-keeps"
        ),
        pytest.param(
            {"status": None}, "status", {"New", None}, "C21b", id="explicit-null-keeps-or-clears"
        ),
        pytest.param(
            {"classification": "TruePositive", "classificationReason": "Malware"},
            "classificationReason",
            {"Malware"},
            "C21a",
            id="matched-pair-judges-the-reason",
        ),
        pytest.param(
            {"classification": "TruePositive", "classificationReason": "Malware"},
            "classification",
            {"TruePositive"},
            "C21a",
            id="matched-pair-judges-the-class",
        ),
        pytest.param(
            {"classification": "TruePositive", "classificationReason": "NotMalicious"},
            "classification",
            {"TruePositive"},
            "C21a",
            id="mismatched-pair-judges-the-class",
        ),
        pytest.param({"user": {"id": "u-2"}}, "assignee", {"u-2"}, "C21a", id="sandbox-user"),
        pytest.param({"removeAssignee": True}, "assignee", {None}, "C21a", id="remove-assignee"),
        pytest.param(
            {"user": {"id": "u-2"}, "removeAssignee": True},
            "assignee",
            {"u-2", None},
            "C21a",
            id="user-and-remove-may-end-either-way",
        ),
        pytest.param(
            {"removeAssignee": False}, "assignee", {"u-1"}, "C21b", id="remove-false-keeps"
        ),
    ],
)
def test_an_accepted_item(item: dict[str, Any], field: str, allowed: set[Any], clause: str) -> None:
    assert _demands(_accepted(item))[field] == (allowed, clause)


@pytest.mark.parametrize(
    ("item", "field"),
    [
        pytest.param(
            {"classification": "TruePositive", "classificationReason": "NotMalicious"},
            "classificationReason",
            id="mismatched-pair-reason-is-normalised-server-side",
        ),
        pytest.param(
            {"classification": "TruePositive"}, "classificationReason", id="class-without-reason"
        ),
        pytest.param(
            {"classificationReason": "Malware"}, "classificationReason", id="reason-alone"
        ),
        pytest.param({"user": {"id": "u-9"}}, "assignee", id="user-outside-the-sandbox"),
        pytest.param({"user": {"email": "a@example.com"}}, "assignee", id="user-without-an-id"),
    ],
)
def test_what_the_contract_leaves_open_is_not_judged(item: dict[str, Any], field: str) -> None:
    assert field not in _demands(_accepted(item))


def test_an_id_named_twice_may_end_with_either_items_values() -> None:
    demands = _demands(_accepted({"status": "Closed"}, {"status": "Active", "comment": "x"}))
    assert demands["status"] == ({"Closed", "Active"}, "C21a")


def test_an_id_named_twice_where_one_item_leaves_a_field_out_may_keep_it() -> None:
    demands = _demands(_accepted({"status": "Closed"}, {"comment": "x"}))
    assert demands["status"] == ({"Closed", "New"}, "C21a")


def test_a_forbidden_write_leaves_every_field_as_it_was() -> None:
    demands = _demands(_forbidden({"status": "Closed", "user": {"id": "u-2"}}))
    assert demands == {
        "status": ({"New"}, "C21c"),
        "classification": ({"FalsePositive"}, "C21c"),
        "classificationReason": ({"NotMalicious"}, "C21c"),
        "assignee": ({"u-1"}, "C21c"),
    }


def test_an_incident_no_write_named_keeps_its_state() -> None:
    other = SentWrite(0, ({"id": "INC-2", "status": "Closed"},), {"INC-2": "accepted"})
    assert {clause for _, clause in _demands(other).values()} == {"C21d"}


def test_an_undecided_outcome_is_not_judged() -> None:
    write = SentWrite(0, ({"id": "INC-1", "status": "Closed"},), {"INC-1": None})
    assert expect("INC-1", SETTLED, (write,), RULES) is None


def test_the_later_of_two_writes_wins_and_the_earlier_value_is_c21e_evidence() -> None:
    first = _accepted({"status": "Closed"}, index=0)
    second = _accepted({"status": "Active"}, index=1)
    expectation = expect("INC-1", SETTLED, (first, second), RULES)
    assert expectation is not None
    assert expectation.fields["status"] == Demand(
        frozenset({"Active"}), "C21a", 1, frozenset({"Closed"})
    )


def test_an_earlier_write_of_the_value_the_field_had_is_no_order_evidence() -> None:
    first = _accepted({"status": "new"}, index=0)  # what it read before, in another case
    second = _accepted({"status": "Active"}, index=1)
    expectation = expect("INC-1", SETTLED, (first, second), RULES)
    assert expectation is not None
    assert expectation.fields["status"] == Demand(frozenset({"Active"}), "C21a", 1)


def test_relaxing_c21e_lets_either_write_win() -> None:
    rules = Rules(fields=RULES.fields, users=RULES.users, relaxed=frozenset({"C21e"}))
    writes = (_accepted({"status": "Closed"}, index=0), _accepted({"status": "Active"}, index=1))
    assert _demands(*writes, rules=rules)["status"] == ({"Active", "Closed"}, "C21a")
    writes = (_accepted({"status": "New"}, index=0), _accepted({"status": "Active"}, index=1))
    assert _demands(*writes, rules=rules)["status"] == ({"Active", "New"}, "C21a")


def test_relaxing_c21b_drops_the_demands_on_left_out_fields() -> None:
    rules = Rules(fields=RULES.fields, users=RULES.users, relaxed=frozenset({"C21b"}))
    assert set(_demands(_accepted({"status": "Closed"}), rules=rules)) == {"status"}


def test_a_field_that_is_not_configured_is_not_judged() -> None:
    rules = Rules(fields=("status",), users=RULES.users)
    assert set(_demands(_accepted({"status": "Closed", "user": {"id": "u-2"}}), rules=rules)) == {
        "status"
    }


@pytest.mark.parametrize(
    ("writes", "comments", "met"),
    [
        pytest.param(
            (_accepted({"comment": " new note "}),),
            {"older note", "new note"},
            True,
            id="present-trimmed",
        ),
        pytest.param((_accepted({"comment": "new note"}),), {"older note"}, False, id="dropped"),
        pytest.param(
            (_accepted({"comment": "   "}),), {"older note"}, True, id="blank-is-no-comment"
        ),
        pytest.param(
            (_forbidden({"comment": "new note"}),),
            {"older note", "new note"},
            False,
            id="forbidden-added",
        ),
        pytest.param(
            (_forbidden({"comment": "new note"}),), {"older note"}, True, id="forbidden-untouched"
        ),
        pytest.param(
            (_accepted({"status": "Closed"}, {"comment": "new note"}),),
            {"older note"},
            True,
            id="duplicate-without-a-comment-may-win",
        ),
        pytest.param(
            (_accepted({"comment": "first"}, {"comment": "second"}),),
            {"older note", "first"},
            True,
            id="duplicates-each-with-a-comment-one-shows",
        ),
        pytest.param(
            (_accepted({"comment": "first"}, {"comment": "second"}),),
            {"older note"},
            False,
            id="duplicates-each-with-a-comment-none-shows",
        ),
    ],
)
def test_comments_are_judged_as_a_set(
    writes: tuple[SentWrite, ...], comments: set[str], met: bool
) -> None:
    rules = Rules(fields=())
    expectation = expect("INC-1", SETTLED, writes, rules)
    assert expectation is not None
    assert expectation.met_by(Snapshot({}, frozenset(comments))) is met


def test_a_comment_sent_to_another_incident_must_not_show_here() -> None:
    expectation = expect("INC-1", SETTLED, (), Rules(fields=()), other_comments=["theirs"])
    assert expectation is not None
    assert not expectation.met_by(Snapshot({}, frozenset({"older note", "theirs"})))
    assert expectation.unmet(Snapshot({}, frozenset({"older note", "theirs"})))[0][1].clause == (
        "C21d"
    )


@pytest.mark.parametrize(
    ("allowed", "read", "met"),
    [
        pytest.param("Analyst@Example.com", "analyst@example.com", True, id="emails-ignore-case"),
        pytest.param("Closed", " Closed ", True, id="trimmed-echo"),
        pytest.param("Closed", "Active", False, id="another-value"),
        pytest.param(None, "", False, id="null-is-not-blank"),
    ],
)
def test_values_compare_normalised(allowed: str | None, read: str | None, met: bool) -> None:
    assert Demand(frozenset({allowed}), "C21a").met_by(read) is met


def test_normal_keeps_null_apart_from_text() -> None:
    assert normal(None) is None
    assert normal("ÉTÉ") == normal("été")


def test_an_expectation_lists_every_broken_demand() -> None:
    expectation = Expectation(
        "INC-1",
        {
            "status": Demand(frozenset({"Closed"}), "C21a", 0),
            "classification": Demand(frozenset({None}), "C21b", 0),
        },
    )
    broken = expectation.unmet(Snapshot({"status": "New", "classification": None}))
    assert [name for name, _ in broken] == ["status"]


def test_a_comment_the_incident_had_before_the_round_is_no_evidence() -> None:
    write = _accepted({"comment": "older note"})
    expectation = expect(
        "INC-1", SETTLED, (write,), Rules(fields=()), other_comments=["older note"]
    )
    assert expectation is not None
    assert expectation.comments == ()
