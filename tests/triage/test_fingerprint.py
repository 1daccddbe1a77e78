"""The fingerprint recipe: what goes in, what stays out, and its pinned output."""

from __future__ import annotations

import hashlib

import pytest

from conformance.checks import ConformanceFailure
from conformance.triage import Identity, identify, identify_failure, normalise_path


def _failure(**changes: str) -> ConformanceFailure:
    fields = {
        "clause": "C19",
        "check": "forbidden_entry_conformance",
        "title": "Forbidden entry names a different workspace",
        "received": '"6eca6a1f-0000-4000-8000-000000000001"',
        "expected": '"6eca6a1f-0000-4000-8000-000000000002"',
        "path": "$.data.forbidden[3].workspaceId",
    }
    return ConformanceFailure(**{**fields, **changes})


KIND = "probe: sandbox: wrong workspace hint"


@pytest.mark.parametrize(
    ("at", "normalised"),
    [
        pytest.param(
            "$.data.forbidden[3].workspaceId", "$.data.forbidden[*].workspaceId", id="index"
        ),
        pytest.param("$.data.accepted[12]", "$.data.accepted[*]", id="trailing-index"),
        pytest.param(
            '$.errors["items[0].status"][2]', '$.errors["items[*].status"][*]', id="index-in-a-key"
        ),
        pytest.param(
            '$.errors["items.4.status"]', '$.errors["items.*.status"]', id="dot-index-key"
        ),
        pytest.param("request body items[7].id", "request body items[*].id", id="request-site"),
        pytest.param(
            '$.errors["cfct-6b1d3f4e-51a4-4c8e-9d1b-0c6f3c1f7a11"]',
            '$.errors["cfct-*"]',
            id="reserved-id-key",
        ),
        pytest.param(
            "$.errors.6eca6a1f-0000-4000-8000-000000000001",
            "$.errors.<uuid>",
            id="uuid-segment",
        ),
        pytest.param("HTTP status", "HTTP status", id="no-index"),
        pytest.param("header Content-Type", "header Content-Type", id="header"),
        pytest.param("$.meta.requestId", "$.meta.requestId", id="plain-path"),
    ],
)
def test_paths_are_normalised(at: str, normalised: str) -> None:
    assert normalise_path(at) == normalised


def test_the_recipe_is_sha256_of_the_five_parts_joined_by_the_unit_separator() -> None:
    identity = identify_failure(_failure(), KIND)
    text = "\x1f".join(
        [
            "C19",
            "forbidden_entry_conformance",
            "Forbidden entry names a different workspace",
            "$.data.forbidden[*].workspaceId",
            KIND,
        ]
    )
    assert identity == Identity(
        "C19",
        "forbidden_entry_conformance",
        "Forbidden entry names a different workspace",
        "$.data.forbidden[*].workspaceId",
        KIND,
    )
    assert identity.fingerprint == hashlib.sha256(text.encode()).hexdigest()[:16]
    # Pinned: a baseline file and last night's report hold this value.
    assert identity.fingerprint == "600c0a1e9e87f0e3"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"received": '"somewhere-else"'}, id="received"),
        pytest.param({"expected": "anything"}, id="expected"),
        pytest.param({"path": "$.data.forbidden[0].workspaceId"}, id="index"),
    ],
)
def test_what_a_run_varies_stays_out(changes: dict[str, str]) -> None:
    assert (
        identify_failure(_failure(**changes), KIND).fingerprint
        == identify_failure(_failure(), KIND).fingerprint
    )


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        pytest.param({"clause": "C20"}, KIND, id="clause"),
        pytest.param({"check": "another_check"}, KIND, id="check"),
        pytest.param({"title": "Forbidden entry has no reason"}, KIND, id="title"),
        pytest.param({"path": "$.data.forbidden[3].reason"}, KIND, id="path"),
        pytest.param({}, "property: valid bulk updates", id="kind"),
    ],
)
def test_each_part_tells_defects_apart(changes: dict[str, str], kind: str) -> None:
    assert (
        identify_failure(_failure(**changes), kind).fingerprint
        != identify_failure(_failure(), KIND).fingerprint
    )


def test_ids_in_a_title_or_a_kind_stay_out() -> None:
    one = identify(
        clause="C15",
        check="schemathesis:ServerError",
        title="Server error for cfct-1111 in 6eca6a1f-0000-4000-8000-000000000001",
        at="POST /x",
        kind="probe: id cfct-aaaa",
    )
    other = identify(
        clause="C15",
        check="schemathesis:ServerError",
        title="Server error for cfct-2222 in 6eca6a1f-0000-4000-8000-000000000009",
        at="POST /x",
        kind="probe: id cfct-bbbb",
    )
    assert one.fingerprint == other.fingerprint
    assert one.summary == "[C15] Server error for cfct-* in <uuid> at POST /x (probe: id cfct-*)"


def test_identifying_twice_changes_nothing() -> None:
    once = identify_failure(_failure(path='$.errors["cfct-x"][1]'), "probe: cfct-y")
    again = identify(
        clause=once.clause, check=once.check, title=once.title, at=once.at, kind=once.kind
    )
    assert again == once
