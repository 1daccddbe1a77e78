"""Verdicts: the exact text of each read-back failure, and which clause it blames."""

from __future__ import annotations

import pytest

from conformance.readback import (
    CommentDemand,
    Demand,
    Evidence,
    Expectation,
    Snapshot,
    failures_of,
)

EVIDENCE = Evidence(
    incident="INC-1",
    writes={0: "curl -X POST first", 1: "curl -X POST second"},
    read="curl -X GET read",
    waited_seconds=15.04,
    deadline_seconds=15,
)


@pytest.mark.parametrize(
    ("demand", "read", "clause", "title", "expected"),
    [
        pytest.param(
            Demand(frozenset({"Closed"}), "C21a", 0), "New", "C21a",
            "Accepted update not applied within 15 s",
            'status = "Closed" (what the accepted update set); the write: curl -X POST first',
            id="not-applied",
        ),
        pytest.param(
            Demand(frozenset({"New", None}), "C21b", 0), "Active", "C21b",
            "Field the update left out changed",
            'status = one of "New", null (what it read before the update, which left it out '
            "or sent null); the write: curl -X POST first",
            id="left-out-changed",
        ),
        pytest.param(
            Demand(frozenset({"New"}), "C21c", 0), "Closed", "C21c",
            "Update answered as forbidden changed the incident (authorisation bypass)",
            'status = "New" (what it read before: the update was answered as forbidden); '
            "the write: curl -X POST first",
            id="forbidden-written",
        ),
        pytest.param(
            Demand(frozenset({"New"}), "C21d"), "Closed", "C21d",
            "Incident no request named changed",
            'status = "New" (what it read before: no request of the round named this incident)',
            id="unnamed-changed",
        ),
        pytest.param(
            Demand(frozenset({"Active"}), "C21a", 1, frozenset({"Closed"})), "closed", "C21e",
            "Earlier write won over a later one",
            "status = \"Active\" (the later write's value); the write: curl -X POST second",
            id="earlier-won",
        ),
        pytest.param(
            Demand(frozenset({"Active"}), "C21a", 1, frozenset({"Closed"})), "New", "C21a",
            "Accepted update not applied within 15 s",
            'status = "Active" (what the accepted update set); the write: curl -X POST second',
            id="neither-write-shows",
        ),
    ],
)  # fmt: skip
def test_a_field_failure(demand: Demand, read: str, clause: str, title: str, expected: str) -> None:
    expectation = Expectation("INC-1", {"status": demand})
    [failure] = failures_of(expectation, Snapshot({"status": read}), EVIDENCE)
    assert failure.clause == clause
    assert str(failure) == (
        f"[{clause}] {title}\n"
        f'Received: status = "{read}" in the last read of INC-1, 15.0 s after the write was '
        "answered; last read: curl -X GET read\n"
        f"Expected: {expected}\n"
        "At: readback.fields.status"
    )


@pytest.mark.parametrize(
    ("demand", "comments", "text"),
    [
        pytest.param(
            CommentDemand(frozenset({"note"}), True, "C21a", 0), frozenset(),
            "[C21a] Accepted comment not among the incident's comments within 15 s\n"
            "Received: no such comment in the last read of INC-1, 15.0 s after the write was "
            "answered; last read: curl -X GET read\n"
            'Expected: a comment "note" among the comments; the write: curl -X POST first\n'
            "At: readback.comments",
            id="dropped",
        ),
        pytest.param(
            CommentDemand(frozenset({"note"}), False, "C21c", 0), frozenset({"note"}),
            "[C21c] Comment of an update answered as forbidden was added (authorisation bypass)\n"
            "Received: the comment in the last read of INC-1, 15.0 s after the write was "
            "answered; last read: curl -X GET read\n"
            'Expected: no comment "note"; the write: curl -X POST first\n'
            "At: readback.comments",
            id="forbidden-added",
        ),
        pytest.param(
            CommentDemand(frozenset({"theirs"}), False, "C21d", None), frozenset({"theirs"}),
            "[C21d] Comment sent to another incident was added to this one\n"
            "Received: the comment in the last read of INC-1, 15.0 s after the write was "
            "answered; last read: curl -X GET read\n"
            'Expected: no comment "theirs"\n'
            "At: readback.comments",
            id="elsewhere",
        ),
    ],
)  # fmt: skip
def test_a_comment_failure(demand: CommentDemand, comments: frozenset[str], text: str) -> None:
    [failure] = failures_of(Expectation("INC-1", {}, (demand,)), Snapshot({}, comments), EVIDENCE)
    assert str(failure) == text


def test_a_read_that_meets_every_demand_fails_nothing() -> None:
    expectation = Expectation(
        "INC-1",
        {"status": Demand(frozenset({"Closed"}), "C21a", 0)},
        (CommentDemand(frozenset({"note"}), True, "C21a", 0),),
    )
    assert (
        failures_of(expectation, Snapshot({"status": "closed"}, frozenset({"note"})), EVIDENCE)
        == []
    )


def test_titles_and_locations_name_no_id_and_no_value() -> None:
    expectation = Expectation("INC-7", {"status": Demand(frozenset({"Closed"}), "C21a", 0)})
    [failure] = failures_of(expectation, Snapshot({"status": "New"}), EVIDENCE)
    for text in (failure.title, failure.path):
        for value in ("INC", "Closed", "New"):
            assert value not in text
