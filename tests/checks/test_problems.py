"""C5 to C10 (problem details): violations and their messages."""

from __future__ import annotations

import pytest
from support.exchange_builders import DROP, FakeResponse, exchange, problem, response
from support.failing_tables import Violation, assert_fails_exactly, params, text

from conformance.checks import CheckContext, validation_errors_conformance

OLD_ENVELOPE = {"error": {"code": "ValidationFailed", "message": "Invalid status"}}
STATUS_EXPECTED = "400 (the HTTP status), as an integer or a numeric string"
CODE_EXPECTED = "a non-empty string clients can switch on"


def media(content_type: str | None, received: str, status: int = 400) -> Violation:
    return Violation(
        "problem_media_type_conformance",
        exchange(problem(status, content_type=content_type)),
        text(
            "[C5] Error response is not served as application/problem+json",
            received,
            "application/problem+json (media-type parameters allowed)",
            "header Content-Type",
        ),
    )


def body(raw: object, title: str, received: str) -> Violation:
    return Violation(
        "problem_body_conformance",
        exchange(response(400, raw, "application/problem+json")),
        text(title, received, "an RFC 7807 problem object", "$"),
    )


def status(value: object, title: str, received: str) -> Violation:
    return Violation(
        "problem_status_conformance",
        exchange(problem(400, body_status=value)),
        text(title, received, STATUS_EXPECTED, "$.status"),
    )


def code(resp: FakeResponse, title: str, received: str, expected: str = CODE_EXPECTED) -> Violation:
    return Violation(
        "problem_code_conformance", exchange(resp), text(title, received, expected, "$.code")
    )


def errors(value: object, title: str, received: str, expected: str, at: str) -> Violation:
    return Violation(
        "validation_errors_conformance",
        exchange(problem(400, errors=value)),
        text(title, received, expected, at),
    )


VIOLATIONS = {
    "problem served as application/json": media("application/json", "application/json"),
    "problem served as text/html on a 500": media("text/html", "text/html", status=500),
    "no content type on a 404": media(None, "no Content-Type header", status=404),
    "empty error body": body(b"", "[C5] Error body is not JSON", "an empty body"),
    "plain-text error body": body(
        b"Bad Request", "[C5] Error body is not JSON", 'not JSON: "Bad Request"'
    ),
    "error body is a string": body(
        "Bad Request", "[C5] Error body is not a JSON object", '"Bad Request"'
    ),
    "no status": status(DROP, "[C6] Problem has no status", "(missing)"),
    "null status": status(None, "[C6] Problem has no status", "null"),
    "status of another code": status(
        404, "[C6] Problem status differs from the HTTP status", "404"
    ),
    "numeric string of another code": status(
        "500", "[C6] Problem status differs from the HTTP status", '"500"'
    ),
    "status with a leading zero": status(
        "0400", "[C6] Problem status is not an integer or a numeric string", '"0400"'
    ),
    "status as a boolean": status(
        True, "[C6] Problem status is not an integer or a numeric string", "true"
    ),
    "status as a reason phrase": status(
        "Bad Request", "[C6] Problem status is not an integer or a numeric string", '"Bad Request"'
    ),
    "old error envelope has no status": Violation(
        "problem_status_conformance",
        exchange(response(400, OLD_ENVELOPE, "application/problem+json")),
        text("[C6] Problem has no status", "(missing)", STATUS_EXPECTED, "$.status"),
    ),
    "old error envelope has no code": code(
        response(400, OLD_ENVELOPE, "application/problem+json"),
        "[C7] Problem has no code",
        "(missing)",
    ),
    "no code": code(problem(400, DROP), "[C7] Problem has no code", "(missing)"),
    "null code": Violation(
        "problem_code_conformance",
        exchange(problem(404, None)),
        text("[C7] Problem has no code", "null", CODE_EXPECTED, "$.code"),
    ),
    "empty code": code(problem(400, ""), "[C7] Problem code is empty", '""'),
    "numeric code": code(problem(400, 4001), "[C7] Problem code is not a string", "4001"),
    "NOT_FOUND on a 400": code(
        problem(400, "NOT_FOUND"),
        "[C7] Problem code does not match the HTTP status",
        '"NOT_FOUND" on HTTP 400',
        '"NOT_FOUND" only on HTTP 404',
    ),
    "VALIDATION_ERROR on a 422": code(
        problem(422, "VALIDATION_ERROR"),
        "[C7] Problem code does not match the HTTP status",
        '"VALIDATION_ERROR" on HTTP 422',
        '"VALIDATION_ERROR" only on HTTP 400',
    ),
    "INSUFFICIENT_WORKSPACE_ROLE on a 401": code(
        problem(401, "INSUFFICIENT_WORKSPACE_ROLE"),
        "[C7] Problem code does not match the HTTP status",
        '"INSUFFICIENT_WORKSPACE_ROLE" on HTTP 401',
        '"INSUFFICIENT_WORKSPACE_ROLE" only on HTTP 403',
    ),
    "code added by the caller": Violation(
        "problem_code_conformance",
        exchange(problem(403, "UNAUTHORIZED")),
        text(
            "[C7] Problem code does not match the HTTP status",
            '"UNAUTHORIZED" on HTTP 403',
            '"UNAUTHORIZED" only on HTTP 401',
            "$.code",
        ),
        CheckContext.with_codes({"UNAUTHORIZED": 401}),
    ),
    "problem without requestId": Violation(
        "problem_trace_conformance",
        exchange(problem(404, requestId=DROP)),
        text("[C8] Problem has no requestId string", "(missing)", "a string", "$.requestId"),
    ),
    "problem with null timestamp": Violation(
        "problem_trace_conformance",
        exchange(problem(401, "UNAUTHORIZED", timestamp=None)),
        text("[C8] Problem has no timestamp string", "null", "a string", "$.timestamp"),
    ),
    "old error envelope has no requestId": Violation(
        "problem_trace_conformance",
        exchange(response(400, OLD_ENVELOPE, "application/problem+json")),
        text("[C8] Problem has no requestId string", "(missing)", "a string", "$.requestId"),
    ),
    "VALIDATION_ERROR without errors": errors(
        DROP,
        "[C9] VALIDATION_ERROR problem has no errors",
        "(missing)",
        "a non-empty errors map from request paths to messages",
        "$.errors",
    ),
    "VALIDATION_ERROR with null errors": errors(
        None,
        "[C9] VALIDATION_ERROR problem has no errors",
        "null",
        "a non-empty errors map from request paths to messages",
        "$.errors",
    ),
    "VALIDATION_ERROR with an empty errors map": errors(
        {},
        "[C9] VALIDATION_ERROR problem has no errors",
        "{}",
        "a non-empty errors map from request paths to messages",
        "$.errors",
    ),
    "errors is a list": errors(
        ["id is required"],
        "[C9] Problem errors is not an object",
        '["id is required"]',
        "an object mapping request paths to lists of messages",
        "$.errors",
    ),
    "errors value is a string": errors(
        {"items[0].id": "required"},
        "[C9] Problem errors value is not a list",
        '"required"',
        "a list of message strings",
        '$.errors["items[0].id"]',
    ),
    "errors message is an object": errors(
        {"items": [{"message": "required"}]},
        "[C9] Problem errors message is not a string",
        '{"message": "required"}',
        "a message string",
        "$.errors.items[0]",
    ),
    "type is a number": Violation(
        "problem_members_conformance",
        exchange(problem(400, type=400)),
        text("[C10] Problem type is not a string", "400", "a string or null", "$.type"),
    ),
    "detail is an object": Violation(
        "problem_members_conformance",
        exchange(problem(404, detail={"en": "gone"})),
        text(
            "[C10] Problem detail is not a string", '{"en": "gone"}', "a string or null", "$.detail"
        ),
    ),
}


@pytest.mark.parametrize("violation", params(VIOLATIONS))
def test_violation_fails_with_exact_message(violation: Violation) -> None:
    assert_fails_exactly(violation)


def test_relaxing_c9_keeps_checking_the_shape_of_errors() -> None:
    relaxed = CheckContext(relaxed=frozenset({"C9"}))
    validation_errors_conformance(exchange(problem(400, errors=DROP)), relaxed)
    with pytest.raises(AssertionError, match="Problem errors value is not a list"):
        validation_errors_conformance(exchange(problem(400, errors={"": "x"})), relaxed)
