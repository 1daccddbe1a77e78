"""Status-code mapping: C11 to C15 (the descriptions on the v2 operation in the spec).

What is expected depends on what the request was meant to be, so these checks read the
exchange's ``Intent``. With the default intent (valid credential, body of unknown validity)
only C15 asserts anything.
"""

from __future__ import annotations

from conformance.checks._base import JUDGED, Judged, clause_check, fail, is_success
from conformance.checks.context import CheckContext
from conformance.checks.exchange import Exchange
from conformance.checks.failure import render
from conformance.checks.problems import problem_code

__all__ = [
    "VALIDATION_CODES",
    "auth_before_validation_conformance",
    "authentication_conformance",
    "no_server_error_conformance",
    "scope_conformance",
    "status_code_mapping_conformance",
]

# C11: the codes a schema-violating body may be rejected with.
VALIDATION_CODES = frozenset({"VALIDATION_ERROR", "BAD_REQUEST"})

_STATUS = "HTTP status"


def _received_status(exchange: Exchange) -> str:
    code = problem_code(exchange)
    suffix = f" with code {render(code)}" if code is not None else ""
    return f"HTTP {exchange.status}{suffix}"


def _violation_site(exchange: Exchange) -> str:
    path = exchange.intent.violation_path
    return f"request body {path}" if path else "request body"


def _unauthenticated(exchange: Exchange) -> bool:
    return exchange.intent.auth in ("missing", "invalid")


def _may_blame_the_body(exchange: Exchange) -> bool:
    """A 400 might be about the body: the runner did not vouch for it being valid."""
    return exchange.status == 400 and exchange.intent.body != "valid"


@clause_check("C11")
def status_code_mapping_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C11: an authorised request whose body violates the schema gets 400 with
    ``VALIDATION_ERROR`` or ``BAD_REQUEST``; never a 2xx, never a 5xx.
    """
    intent = exchange.intent
    if intent.body != "invalid" or intent.auth != "valid":
        return None  # C12 to C14 say what an unauthorised request gets
    expected = "HTTP 400 with code VALIDATION_ERROR or BAD_REQUEST"
    if exchange.status != 400:
        fail(
            "Schema-violating request was accepted"
            if is_success(exchange.status)
            else "Schema-violating request was not answered with 400",
            received=_received_status(exchange),
            expected=expected,
            at=_violation_site(exchange),
        )
    code = problem_code(exchange)
    # A missing or empty code is C7's finding; only a wrong, present code is C11's.
    if code is not None and code not in VALIDATION_CODES:
        fail(
            "Schema-violating request was rejected with an unexpected code",
            received=_received_status(exchange),
            expected=expected,
            at="$.code",
        )
    return JUDGED


@clause_check("C12")
def authentication_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C12: missing, malformed or wrong credentials get 401 and a problem.

    A 400 to an unauthenticated request whose body may be invalid is C13's finding, so that
    relaxing C13 really tolerates it.
    """
    if not _unauthenticated(exchange) or _may_blame_the_body(exchange):
        return None
    if exchange.status != 401:
        who = (
            "without credentials"
            if exchange.intent.auth == "missing"
            else "with invalid credentials"
        )
        fail(
            f"Request {who} was accepted"
            if is_success(exchange.status)
            else f"Request {who} was not answered with 401",
            received=_received_status(exchange),
            expected="HTTP 401 with a problem",
            at=_STATUS,
        )
    return JUDGED


@clause_check("C13", skip_when_relaxed=True)
def auth_before_validation_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C13 (inferred): authentication comes before validation, so an unauthenticated request
    with an invalid body still gets 401, not 400.

    Judged on unauthenticated requests with a body known to be invalid, and on any
    unauthenticated request answered 400 unless its body was vouched for.
    """
    if not _unauthenticated(exchange):
        return None
    if _may_blame_the_body(exchange):
        fail(
            "Unauthenticated request was validated before it was authenticated",
            received=_received_status(exchange),
            expected="HTTP 401: authentication comes before validation",
            at=_STATUS,
        )
    return JUDGED if exchange.intent.body == "invalid" else None


@clause_check("C14")
def scope_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C14: a valid credential without the scope to update incidents gets 403 and a problem.

    The contract orders authentication before validation but says nothing about the scope,
    so a 400 for a body that may be invalid is tolerated (and C14 is not judged).
    """
    if exchange.intent.auth != "no_scope" or _may_blame_the_body(exchange):
        return None
    if exchange.status != 403:
        fail(
            "Credential without the write scope was allowed to update incidents"
            if is_success(exchange.status)
            else "Credential without the write scope was not answered with 403",
            received=_received_status(exchange),
            expected="HTTP 403 with a problem",
            at=_STATUS,
        )
    return JUDGED


@clause_check("C15")
def no_server_error_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C15: no request, however malformed, gets a 5xx."""
    if 500 <= exchange.status < 600:
        fail(
            "Server error",
            received=_received_status(exchange),
            expected="a status below 500, whatever the request",
            at=_STATUS,
        )
    return JUDGED
