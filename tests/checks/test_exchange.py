"""Exchange types: strict JSON, case-insensitive headers, intent validation, httpx fit."""

from __future__ import annotations

import httpx
import pytest
from support.exchange_builders import URL, success_body

from conformance.checks import (
    NO_BODY,
    CheckContext,
    Exchange,
    Intent,
    NotJson,
    Request,
    iter_failures,
    parse_json,
)
from conformance.checks.exchange import header_value, media_type


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(None, NO_BODY, id="none"),
        pytest.param(b"", NO_BODY, id="empty"),
        pytest.param(b'{"items": null}', {"items": None}, id="object"),
        pytest.param("[1]", [1], id="text"),
        pytest.param(b"{", NotJson(b"{"), id="truncated"),
        pytest.param(b"NaN", NotJson(b"NaN"), id="NaN is not JSON"),
        pytest.param(b"\xff", NotJson(b"\xff"), id="not UTF-8"),
        pytest.param(b"[" * 100_000, NotJson(b"[" * 100_000), id="absurd nesting"),
    ],
)
def test_parse_json(content: bytes | str | None, expected: object) -> None:
    assert parse_json(content) == expected


def test_header_lookup_ignores_case_and_folds_lists() -> None:
    headers = {"content-TYPE": "application/json", "X-Many": ["a", "b"]}
    assert header_value(headers, "Content-Type") == "application/json"
    assert header_value(headers, "x-many") == "a, b"  # type: ignore[arg-type]
    assert header_value(headers, "Authorization") is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(
            "application/problem+json; charset=utf-8", "application/problem+json", id="parameters"
        ),
        pytest.param(" Application/JSON ", "application/json", id="case and spaces"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_media_type(header: str | None, expected: str | None) -> None:
    assert media_type(header) == expected


def test_request_from_content_keeps_raw_bytes_that_are_not_json() -> None:
    sent = Request.from_content("POST", URL, {"AUTHORIZATION": "Basic x"}, b"not json")
    assert (sent.body, sent.header("authorization")) == (NotJson(b"not json"), "Basic x")


@pytest.mark.parametrize(
    "kwargs",
    [pytest.param({"auth": "bearer"}, id="auth"), pytest.param({"body": "broken"}, id="body")],
)
def test_intent_rejects_unknown_values(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="unknown"):
        Intent(**kwargs)  # type: ignore[arg-type]


def test_an_httpx_response_is_a_response() -> None:
    good = httpx.Response(
        200, json=success_body(["a"]), headers={"content-type": "application/json; charset=utf-8"}
    )
    bad = httpx.Response(400, json={"error": {"message": "x"}})
    sent = Request("POST", URL, {}, {"items": [{"id": "a"}]})
    assert list(iter_failures(Exchange(sent, good), context=CheckContext())) == []
    assert [f.check for f in iter_failures(Exchange(sent, bad), context=CheckContext())] == [
        "problem_media_type_conformance",
        "problem_status_conformance",
        "problem_code_conformance",
        "problem_trace_conformance",
    ]
