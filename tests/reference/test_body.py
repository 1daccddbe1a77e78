"""Parsing and validating bodies (C11): JSON paths and messages of every error kind."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.reference.body import (
    BodyError,
    RequestValidator,
    batch_errors,
    is_json_media_type,
    json_path,
    parse_body,
)

STATUS_RULE = "must be null or one of: Active, New, Closed"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param([], "", id="root"),
        pytest.param(["items"], "items", id="property"),
        pytest.param(["items", 0, "status"], "items[0].status", id="index-then-property"),
        pytest.param(["items", 3, "user", "id"], "items[3].user.id", id="nested"),
        pytest.param(["a b"], '["a b"]', id="non-identifier-first"),
        pytest.param(["items", 0, "x-y"], 'items[0]["x-y"]', id="non-identifier-later"),
    ],
)
def test_json_path(path: list[str | int], expected: str) -> None:
    assert json_path(path) == expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/merge-patch+json", True),
        ("text/json", False),
        ("text/plain", False),
        ("application/x-www-form-urlencoded", False),
        (None, False),
        ("", False),
    ],
)
def test_is_json_media_type(content_type: str | None, expected: bool) -> None:
    assert is_json_media_type(content_type) is expected


@pytest.mark.parametrize(
    ("content_type", "raw", "message"),
    [
        pytest.param(
            "text/plain",
            b"{}",
            "unsupported content type 'text/plain': send application/json",
            id="text-plain",
        ),
        pytest.param(
            None, b"{}", "unsupported content type 'none': send application/json", id="no-type"
        ),
        pytest.param(
            "application/json",
            b"{",
            "the body is not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
            id="truncated",
        ),
        pytest.param(
            "application/json", b"NaN", "the body is not valid JSON: NaN is not JSON", id="nan"
        ),
        pytest.param(
            "application/json",
            b"[" * 100_000 + b"]" * 100_000,
            "the JSON body is nested too deeply to be read",
            id="deep-nesting",
        ),
        pytest.param(
            "application/json",
            b'"\xff"',
            "the body is not valid JSON: 'utf-8' codec can't decode byte 0xff in position 1: "
            "invalid start byte",
            id="not-utf8",
        ),
    ],
)
def test_parse_body_refuses_what_is_not_json(
    content_type: str | None, raw: bytes, message: str
) -> None:
    with pytest.raises(BodyError) as refused:
        parse_body(content_type, raw)
    assert str(refused.value) == message


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
def test_an_empty_body_is_no_body(content_type: str | None) -> None:
    assert not parse_body(content_type, b"").present


def test_over_long_integer_literal_is_a_bad_request_not_a_crash() -> None:
    with pytest.raises(BodyError):
        parse_body("application/json", b"1" * 5000)


@pytest.fixture(scope="module")
def validator() -> RequestValidator:
    return RequestValidator()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param([], {"": ["must be of type object"]}, id="array-body"),
        pytest.param("x", {"": ["must be of type object"]}, id="string-body"),
        pytest.param(None, {"": ["must be of type object"]}, id="null-body"),
        pytest.param(
            {"items": {}}, {"items": ["must be of type null or array"]}, id="items-object"
        ),
        pytest.param({"items": [5]}, {"items[0]": ["must be of type object"]}, id="item-number"),
        pytest.param({"items": [{}]}, {"items[0].id": ["is required"]}, id="missing-id"),
        pytest.param(
            {"items": [{"id": None}]}, {"items[0].id": ["must be of type string"]}, id="null-id"
        ),
        pytest.param(
            {"items": [{"id": "a", "status": "Bogus"}]},
            {"items[0].status": [STATUS_RULE]},
            id="unknown-status",
        ),
        pytest.param(
            {"items": [{"id": "a", "status": 3}]},
            {"items[0].status": [STATUS_RULE]},
            id="status-wrong-type",
        ),
        pytest.param(
            {"items": [{"id": "a"}, {"id": "b", "incidentSource": "Nope"}]},
            {
                "items[1].incidentSource": [
                    "must be one of: Sentinel, DefenderXDR, QRadar, Splunk, CrowdStrike, "
                    "SentinelOne"
                ]
            },
            id="unknown-source",
        ),
        pytest.param(
            # Valid once S7's correction turns the overlapping oneOf into anyOf.
            {"items": [{"id": "a", "classification": None, "classificationReason": None}]},
            {},
            id="null-classification-after-s7-correction",
        ),
        pytest.param(
            {"items": [{"id": "a", "removeAssignee": "yes", "user": {"email": 1}}]},
            {
                "items[0].removeAssignee": ["must be of type boolean"],
                "items[0].user.email": ["must be of type null or string"],
            },
            id="nested-types",
        ),
        pytest.param(
            {"items": [{"status": "Bogus"}]},
            {"items[0].id": ["is required"], "items[0].status": [STATUS_RULE]},
            id="several-errors",
        ),
    ],
)
def test_schema_errors_are_keyed_by_json_path(
    validator: RequestValidator, body: Any, errors: dict[str, list[str]]
) -> None:
    assert validator.errors(body) == errors


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no-items"),
        pytest.param({"items": None}, id="null-items"),
        pytest.param({"items": []}, id="empty-items"),
        pytest.param({"items": [{"id": ""}]}, id="empty-id"),
        pytest.param({"items": [{"id": "a", "extra": {"x": 1}}], "more": 1}, id="extra-fields"),
        pytest.param(
            {
                "items": [
                    {
                        "id": "a",
                        "status": "Closed",
                        "classification": "TruePositive",
                        "classificationReason": "Malware",
                        "user": {"id": "u1", "displayName": None, "email": "a@b.c"},
                        "workspace": None,
                        "removeAssignee": False,
                        "comment": "done",
                        "incidentSource": "Sentinel",
                    }
                ]
            },
            id="every-field",
        ),
    ],
)
def test_valid_bodies_have_no_errors(validator: RequestValidator, body: Any) -> None:
    assert validator.errors(body) == {}


def test_batch_errors_only_above_the_cap() -> None:
    assert batch_errors([1, 2], 2) == {}
    assert batch_errors([1, 2, 3], 2) == {"items": ["must contain at most 2 items (got 3)"]}
