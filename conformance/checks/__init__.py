"""Response validators: one small pure check per clause of the contract (docs/contract.md).

Each check takes an ``Exchange`` (request, response, and the ``Intent`` behind the request)
and a ``CheckContext``, and raises ``ConformanceFailure`` (an ``AssertionError``) naming the
clause, what was received, what was expected and where. A check that finds nothing wrong
returns ``JUDGED`` when the exchange exercised its clause and ``None`` when it did not, so
that a report never counts an untried clause as passed. ``judge`` runs them all and says
which clauses were judged; ``iter_failures`` yields the failures; ``assert_conforms`` raises
the first.

Clauses without a check of their own:

- C4 (extra properties allowed) and C18 (a ``null`` list means an empty one) are tolerances:
  every check applies C4 and the outcome checks apply C18, so an exchange one of them judged
  counts for the tolerance too.
- C21 (accepted ids are processed asynchronously): the vendored spec has no read-back
  operation, so nothing can be checked yet; a read-back check belongs here once it has one.
- C22 (liveness): a request that got no answer has no exchange to check; the run layer
  judges it where requests are sent.

Nothing here performs I/O or imports httpx, Hypothesis or schemathesis (``tests/test_layers.py``
pins this); the schemathesis adapter lives in ``conformance.adapters.schemathesis_checks``.
"""

from conformance.checks._base import JUDGED, ClauseCheck, Judged
from conformance.checks.context import ALL_CLAUSES, RELAXABLE_CLAUSES, CheckContext
from conformance.checks.envelope import (
    request_id_conformance,
    success_envelope_conformance,
    success_media_type_conformance,
    timestamp_conformance,
)
from conformance.checks.exchange import (
    NO_BODY,
    AuthIntent,
    BodyIntent,
    Exchange,
    Intent,
    JsonValue,
    NoBody,
    NotJson,
    Request,
    RequestBody,
    Response,
    parse_json,
)
from conformance.checks.failure import ConformanceFailure
from conformance.checks.outcome import (
    Answer,
    forbidden_entry_conformance,
    never_requested_conformance,
    outcome_coverage_conformance,
    outcome_partition_conformance,
    requested_ids,
    sandbox_authorisation_conformance,
    unrequested_answers,
)
from conformance.checks.problem_codes import DOCUMENTED_PROBLEM_CODES
from conformance.checks.problems import (
    problem_body_conformance,
    problem_code_conformance,
    problem_media_type_conformance,
    problem_members_conformance,
    problem_status_conformance,
    problem_trace_conformance,
    validation_errors_conformance,
)
from conformance.checks.registry import (
    CHECKS,
    Judgement,
    assert_conforms,
    checks_by_clause,
    iter_failures,
    judge,
)
from conformance.checks.status_mapping import (
    auth_before_validation_conformance,
    authentication_conformance,
    no_server_error_conformance,
    scope_conformance,
    status_code_mapping_conformance,
)
from conformance.checks.tolerated import TOLERATED_STATUS, tolerated_rejection

__all__ = [
    "ALL_CLAUSES",
    "CHECKS",
    "DOCUMENTED_PROBLEM_CODES",
    "JUDGED",
    "NO_BODY",
    "RELAXABLE_CLAUSES",
    "TOLERATED_STATUS",
    "Answer",
    "AuthIntent",
    "BodyIntent",
    "CheckContext",
    "ClauseCheck",
    "ConformanceFailure",
    "Exchange",
    "Intent",
    "JsonValue",
    "Judged",
    "Judgement",
    "NoBody",
    "NotJson",
    "Request",
    "RequestBody",
    "Response",
    "assert_conforms",
    "auth_before_validation_conformance",
    "authentication_conformance",
    "checks_by_clause",
    "forbidden_entry_conformance",
    "iter_failures",
    "judge",
    "never_requested_conformance",
    "no_server_error_conformance",
    "outcome_coverage_conformance",
    "outcome_partition_conformance",
    "parse_json",
    "problem_body_conformance",
    "problem_code_conformance",
    "problem_media_type_conformance",
    "problem_members_conformance",
    "problem_status_conformance",
    "problem_trace_conformance",
    "request_id_conformance",
    "requested_ids",
    "sandbox_authorisation_conformance",
    "scope_conformance",
    "status_code_mapping_conformance",
    "success_envelope_conformance",
    "success_media_type_conformance",
    "timestamp_conformance",
    "tolerated_rejection",
    "unrequested_answers",
    "validation_errors_conformance",
]
