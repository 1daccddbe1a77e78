"""C11 to C15 (status-code mapping): violations and their messages."""

from __future__ import annotations

import pytest
from support.exchange_builders import bulk, exchange, item, problem, success
from support.failing_tables import Violation, assert_fails_exactly, params, text

from conformance.checks import (
    CheckContext,
    Intent,
    NotJson,
    authentication_conformance,
    iter_failures,
)

C11_EXPECTED = "HTTP 400 with code VALIDATION_ERROR or BAD_REQUEST"
BROKEN = Intent(body="invalid", violation_path="items[2].classification")
NO_CREDENTIALS = Intent(auth="missing", body="invalid")


def c11(
    resp: object, title: str, received: str, at: str = "request body items[2].classification"
) -> Violation:
    return Violation(
        "status_code_mapping_conformance",
        exchange(resp, bulk(item("a"), item("b"), item("c", classification="Bogus")), BROKEN),  # type: ignore[arg-type]
        text(title, received, C11_EXPECTED, at),
    )


VIOLATIONS = {
    "invalid body accepted": c11(
        success(["a", "b", "c"]), "[C11] Schema-violating request was accepted", "HTTP 200"
    ),
    "invalid body answered 404": c11(
        problem(404),
        "[C11] Schema-violating request was not answered with 400",
        'HTTP 404 with code "NOT_FOUND"',
    ),
    "invalid body crashes the server": c11(
        problem(500, "INTERNAL"),
        "[C11] Schema-violating request was not answered with 400",
        'HTTP 500 with code "INTERNAL"',
    ),
    "invalid body rejected with 422": c11(
        problem(422, "UNPROCESSABLE"),
        "[C11] Schema-violating request was not answered with 400",
        'HTTP 422 with code "UNPROCESSABLE"',
    ),
    "invalid body rejected with an unexpected code": c11(
        problem(400, "INVALID_STATUS"),
        "[C11] Schema-violating request was rejected with an unexpected code",
        'HTTP 400 with code "INVALID_STATUS"',
        at="$.code",
    ),
    "not JSON accepted, place unknown": Violation(
        "status_code_mapping_conformance",
        exchange(success(), NotJson(b"{"), Intent(body="invalid")),
        text(
            "[C11] Schema-violating request was accepted", "HTTP 200", C11_EXPECTED, "request body"
        ),
    ),
    "no credentials accepted": Violation(
        "authentication_conformance",
        exchange(success(["a"]), bulk(item("a")), Intent(auth="missing", body="valid")),
        text(
            "[C12] Request without credentials was accepted",
            "HTTP 200",
            "HTTP 401 with a problem",
            "HTTP status",
        ),
    ),
    "wrong secret answered 403": Violation(
        "authentication_conformance",
        exchange(
            problem(403, "INSUFFICIENT_WORKSPACE_ROLE"), bulk(item("a")), Intent(auth="invalid")
        ),
        text(
            "[C12] Request with invalid credentials was not answered with 401",
            'HTTP 403 with code "INSUFFICIENT_WORKSPACE_ROLE"',
            "HTTP 401 with a problem",
            "HTTP status",
        ),
    ),
    "wrong secret with a valid body answered 400": Violation(
        "authentication_conformance",
        exchange(
            problem(400, "BAD_REQUEST"), bulk(item("a")), Intent(auth="invalid", body="valid")
        ),
        text(
            "[C12] Request with invalid credentials was not answered with 401",
            'HTTP 400 with code "BAD_REQUEST"',
            "HTTP 401 with a problem",
            "HTTP status",
        ),
    ),
    "invalid body without credentials answered 400": Violation(
        "auth_before_validation_conformance",
        exchange(problem(400), bulk(item(None)), NO_CREDENTIALS),
        text(
            "[C13] Unauthenticated request was validated before it was authenticated",
            'HTTP 400 with code "VALIDATION_ERROR"',
            "HTTP 401: authentication comes before validation",
            "HTTP status",
        ),
    ),
    "non-JSON body with a wrong secret answered 400": Violation(
        "auth_before_validation_conformance",
        exchange(
            problem(400, "BAD_REQUEST"), NotJson(b"{"), Intent(auth="invalid", body="invalid")
        ),
        text(
            "[C13] Unauthenticated request was validated before it was authenticated",
            'HTTP 400 with code "BAD_REQUEST"',
            "HTTP 401: authentication comes before validation",
            "HTTP status",
        ),
    ),
    "no scope accepted": Violation(
        "scope_conformance",
        exchange(success(["a"]), bulk(item("a")), Intent(auth="no_scope", body="valid")),
        text(
            "[C14] Credential without the write scope was allowed to update incidents",
            "HTTP 200",
            "HTTP 403 with a problem",
            "HTTP status",
        ),
    ),
    "no scope answered 401": Violation(
        "scope_conformance",
        exchange(problem(401, "UNAUTHORIZED"), bulk(item("a")), Intent(auth="no_scope")),
        text(
            "[C14] Credential without the write scope was not answered with 403",
            'HTTP 401 with code "UNAUTHORIZED"',
            "HTTP 403 with a problem",
            "HTTP status",
        ),
    ),
    "no scope with a valid body answered 400": Violation(
        "scope_conformance",
        exchange(problem(400), bulk(item("a")), Intent(auth="no_scope", body="valid")),
        text(
            "[C14] Credential without the write scope was not answered with 403",
            'HTTP 400 with code "VALIDATION_ERROR"',
            "HTTP 403 with a problem",
            "HTTP status",
        ),
    ),
    "500 for a valid request": Violation(
        "no_server_error_conformance",
        exchange(problem(500, "INTERNAL_ERROR"), bulk(item("a"))),
        text(
            "[C15] Server error",
            'HTTP 500 with code "INTERNAL_ERROR"',
            "a status below 500, whatever the request",
            "HTTP status",
        ),
    ),
    "502 with an HTML body": Violation(
        "no_server_error_conformance",
        exchange(success(status=502, content_type="text/html")),
        text(
            "[C15] Server error",
            "HTTP 502",
            "a status below 500, whatever the request",
            "HTTP status",
        ),
    ),
}


@pytest.mark.parametrize("violation", params(VIOLATIONS))
def test_violation_fails_with_exact_message(violation: Violation) -> None:
    assert_fails_exactly(violation)


def test_400_instead_of_401_is_a_c13_failure_only() -> None:
    clauses = [
        f.clause
        for f in iter_failures(
            exchange(problem(400), bulk(item(None)), NO_CREDENTIALS), context=CheckContext()
        )
    ]
    assert clauses == ["C13"]


def test_relaxing_c13_tolerates_validation_before_authentication() -> None:
    relaxed = CheckContext(relaxed=frozenset({"C13"}))
    failures = iter_failures(
        exchange(problem(400), bulk(item(None)), NO_CREDENTIALS), context=relaxed
    )
    assert list(failures) == []


def test_a_valid_credential_asserts_nothing_about_authentication() -> None:
    authentication_conformance(
        exchange(problem(401, "UNAUTHORIZED"), bulk(item("a"))), CheckContext()
    )
