"""C1 (success envelope), C2 (requestId) and C3 (timestamps): violations and their messages."""

from __future__ import annotations

import pytest
from support.exchange_builders import exchange, problem, response, success
from support.failing_tables import Violation, assert_fails_exactly, params, text

from conformance.checks import CheckContext, request_id_conformance, timestamp_conformance

TS = "2026-04-15T20:00:00Z"


def meta(timestamp: object = TS, request_id: object = "r-1") -> dict[str, object]:
    return {"requestId": request_id, "timestamp": timestamp}


def with_timestamp(value: str) -> Violation:
    return Violation(
        "timestamp_conformance",
        exchange(success(meta=meta(value))),
        text(
            "[C3] Timestamp is not RFC 3339",
            f'"{value}"',
            "an RFC 3339 date-time in UTC, ending in Z, +00:00 or -00:00",
            "$.meta.timestamp",
        ),
    )


def not_utc(value: str) -> Violation:
    return Violation(
        "timestamp_conformance",
        exchange(success(meta=meta(value))),
        text(
            "[C3] Timestamp is not in UTC",
            f'"{value}"',
            "an RFC 3339 date-time in UTC, ending in Z, +00:00 or -00:00",
            "$.meta.timestamp",
        ),
    )


def media(content_type: str | None, received: str) -> Violation:
    return Violation(
        "success_media_type_conformance",
        exchange(success(content_type=content_type)),
        text(
            "[C1] Success response is not served as application/json",
            received,
            "application/json (media-type parameters allowed)",
            "header Content-Type",
        ),
    )


def envelope(body: object, title: str, received: str, expected: str, at: str) -> Violation:
    raw = body if isinstance(body, bytes) else None
    resp = response(200, raw if raw is not None else body, "application/json")
    return Violation(
        "success_envelope_conformance", exchange(resp), text(title, received, expected, at)
    )


ENVELOPE = 'a JSON object {"data": {…}, "meta": {"requestId": …, "timestamp": …}}'

VIOLATIONS = {
    "text/plain": media("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
    "no content type": media(None, "no Content-Type header"),
    "blank content type": media(" ", '" "'),
    "parameters without a media type": media("; charset=utf-8", "; charset=utf-8"),
    "problem media type on a 200": media("application/problem+json", "application/problem+json"),
    "json suffix is not json": media(
        "application/vnd.contraforce+json", "application/vnd.contraforce+json"
    ),
    "body not JSON": envelope(
        b"<html>ok</html>",
        "[C1] Success body is not JSON",
        'not JSON: "<html>ok</html>"',
        ENVELOPE,
        "$",
    ),
    "empty body": envelope(b"", "[C1] Success body is not JSON", "an empty body", ENVELOPE, "$"),
    "NaN is not JSON": envelope(
        b"NaN", "[C1] Success body is not JSON", 'not JSON: "NaN"', ENVELOPE, "$"
    ),
    "array body": envelope(
        ["inc-1"], "[C1] Success body is not a JSON object", '["inc-1"]', ENVELOPE, "$"
    ),
    "no data": envelope(
        {"meta": meta()}, "[C1] Success body has no data", "(missing)", "an object", "$.data"
    ),
    "null data": envelope(
        {"data": None, "meta": meta()},
        "[C1] Success body has no data",
        "null",
        "an object",
        "$.data",
    ),
    "data is a list": envelope(
        {"data": ["inc-1"], "meta": meta()},
        "[C1] Success data is not an object",
        '["inc-1"]',
        "an object",
        "$.data",
    ),
    "old error envelope on a 200": envelope(
        {"error": {"message": "x"}},
        "[C1] Success body has no data",
        "(missing)",
        "an object",
        "$.data",
    ),
    "no meta": envelope(
        {"data": {}}, "[C1] Success body has no meta", "(missing)", "an object", "$.meta"
    ),
    "meta is a string": envelope(
        {"data": {}, "meta": "r-1"},
        "[C1] Success meta is not an object",
        '"r-1"',
        "an object",
        "$.meta",
    ),
    "meta without requestId": envelope(
        {"data": {}, "meta": {"timestamp": TS}},
        "[C1] Success meta has no requestId string",
        "(missing)",
        "a string",
        "$.meta.requestId",
    ),
    "requestId is a number": envelope(
        {"data": {}, "meta": meta(request_id=3)},
        "[C1] Success meta has no requestId string",
        "3",
        "a string",
        "$.meta.requestId",
    ),
    "timestamp is epoch seconds": envelope(
        {"data": {}, "meta": meta(timestamp=1776283200)},
        "[C1] Success meta has no timestamp string",
        "1776283200",
        "a string",
        "$.meta.timestamp",
    ),
    "empty requestId in meta": Violation(
        "request_id_conformance",
        exchange(success(meta=meta(request_id=""))),
        text(
            "[C2] requestId is empty", '""', "a non-empty string, in any format", "$.meta.requestId"
        ),
    ),
    "empty requestId in a problem": Violation(
        "request_id_conformance",
        exchange(problem(404, requestId="")),
        text("[C2] requestId is empty", '""', "a non-empty string, in any format", "$.requestId"),
    ),
    "offset +02:00": not_utc("2026-04-15T22:00:00+02:00"),
    "offset -05:00 with .NET fraction": not_utc("2026-04-15T15:00:00.0000000-05:00"),
    "offset -01:00 with .NET fraction": not_utc("2026-04-15T19:00:00.0000000-01:00"),
    "offset +00:30": not_utc("2026-04-15T20:30:00+00:30"),
    "no offset": with_timestamp("2026-04-15T20:00:00"),
    "no offset, space instead of T": with_timestamp("2026-04-15 20:00:00"),
    "two spaces instead of T": with_timestamp("2026-04-15  20:00:00Z"),
    "offset without a colon": with_timestamp("2026-04-15T20:00:00+0000"),
    "month 13": with_timestamp("2026-13-15T20:00:00Z"),
    "hour 24": with_timestamp("2026-04-15T24:00:00Z"),
    "offset hour 25": with_timestamp("2026-04-15T20:00:00+25:00"),
    "trailing dot": with_timestamp("2026-04-15T20:00:00.Z"),
    "prose": with_timestamp("yesterday"),
    "non-UTC problem timestamp": Violation(
        "timestamp_conformance",
        exchange(problem(400, timestamp="2026-04-15T21:00:00+01:00")),
        text(
            "[C3] Timestamp is not in UTC",
            '"2026-04-15T21:00:00+01:00"',
            "an RFC 3339 date-time in UTC, ending in Z, +00:00 or -00:00",
            "$.timestamp",
        ),
    ),
}


@pytest.mark.parametrize("violation", params(VIOLATIONS))
def test_violation_fails_with_exact_message(violation: Violation) -> None:
    assert_fails_exactly(violation)


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-04-15T20:00:00Z",
        "2026-04-15T20:00:00.1Z",
        "2026-04-15T20:00:00.1234567+00:00",
        "2026-04-15T20:00:00.123456789Z",
        "2016-12-31T23:59:60Z",
        "2024-02-29T00:00:00+00:00",
    ],
)
def test_utc_rfc3339_timestamps_pass(timestamp: str) -> None:
    timestamp_conformance(exchange(success(meta=meta(timestamp))), CheckContext())


def test_relaxing_c2_skips_the_request_id_check() -> None:
    relaxed = CheckContext(relaxed=frozenset({"C2"}))
    request_id_conformance(exchange(success(meta=meta(request_id=""))), relaxed)
