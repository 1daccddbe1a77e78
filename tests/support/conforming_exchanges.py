"""Exchanges that conform to the whole contract, grouped by the checks they exercise.

Each row is also one tolerated variation (docs/contract.md): every check must pass on it, and so
must every other check.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.checks import CheckContext, Exchange, Intent, NotJson, Request
from conformance.sandbox import Incident, Sandbox, expected_outcomes, reserved_id
from support.exchange_builders import (
    AUTH,
    DROP,
    URL,
    bulk,
    exchange,
    forbid,
    item,
    problem,
    problem_body,
    request,
    response,
    success,
    success_body,
)

DEFAULT = CheckContext()


@dataclass(frozen=True)
class Example:
    label: str
    exchange: Exchange
    context: CheckContext = DEFAULT


ONE = ("inc-1",)
INVALID = Intent(body="invalid")

SUCCESS = [
    Example("plain 200", exchange(success(["inc-1"]), ids=ONE)),
    Example(
        "media type with parameters, any case",
        exchange(success(["inc-1"], content_type="Application/JSON; charset=utf-8"), ids=ONE),
    ),
    Example(
        "timestamp ending Z without fraction",
        exchange(
            success(
                ["inc-1"], meta={"requestId": "0HN8Q3V0001", "timestamp": "2026-04-15T20:00:00Z"}
            ),
            ids=ONE,
        ),
    ),
    Example(
        "timestamp with milliseconds and lowercase z",
        exchange(
            success(["inc-1"], meta={"requestId": "x", "timestamp": "2026-04-15t20:00:00.123z"}),
            ids=ONE,
        ),
    ),
    Example(
        "requestId that is a UUID, timestamp +00:00 with one digit",
        exchange(
            success(
                ["inc-1"],
                meta={
                    "requestId": "6f1c2e9a-4a53-4df0-9a59-0b7d4d5f3f10",
                    "timestamp": "2026-04-15T20:00:00.5+00:00",
                },
            ),
            ids=ONE,
        ),
    ),
    Example(
        "extra properties everywhere (C4)",
        exchange(
            response(
                200,
                {
                    "data": {
                        "accepted": ["inc-1"],
                        "forbidden": [{**forbid("inc-2"), "hint": "ask an admin"}],
                        "batch": 7,
                    },
                    "meta": {"requestId": "r", "timestamp": "2026-04-15T20:00:00Z", "page": 1},
                    "links": {},
                },
                "application/json",
            ),
            ids=("inc-1", "inc-2"),
        ),
    ),
    Example("null lists (C18), no items (S5)", exchange(success(None, None), {"items": None})),
    Example(
        "missing lists (C18), items missing (S5)",
        exchange(
            response(200, {"data": {}, "meta": success_body()["meta"]}, "application/json"), {}
        ),
    ),
    Example("bodiless POST answered 200 (S2)", exchange(success())),
    Example("empty items answered 200 (S5)", exchange(success([], None), bulk())),
    Example(
        "mismatched classification and reason accepted (business rule)",
        exchange(
            success(["inc-1"]),
            bulk(item("inc-1", classification="FalsePositive", classificationReason="Malware")),
            Intent(body="valid"),
        ),
    ),
    Example(
        "empty id answered with a forbidden entry (S1)",
        exchange(success([], [forbid("")]), bulk(item(""))),
    ),
    Example(
        "blank id answered with a forbidden entry (S1)",
        exchange(success(["inc-1"], [forbid("  ", None)]), bulk(item("inc-1"), item("  "))),
    ),
    Example(
        ".NET timestamp with seven digits and +00:00, trace-style requestId",
        exchange(
            success(
                ["inc-1"],
                meta={
                    "requestId": "0HNLBAGCRD4RN:00000003",
                    "timestamp": "2026-04-15T20:00:00.1234567+00:00",
                },
            ),
            ids=ONE,
        ),
    ),
    Example(
        "timestamp -00:00 (UTC, local offset unknown)",
        exchange(
            success(["inc-1"], meta={"requestId": "r", "timestamp": "2026-04-15T20:00:00-00:00"}),
            ids=ONE,
        ),
    ),
    Example(
        "timestamp with a space for T (RFC 3339, 5.6)",
        exchange(
            success(
                ["inc-1"], meta={"requestId": "r", "timestamp": "2026-04-15 20:00:00.123456+00:00"}
            ),
            ids=ONE,
        ),
    ),
    Example(
        "whitespace requestId is not empty",
        exchange(
            success(["inc-1"], meta={"requestId": " ", "timestamp": "2026-04-15T20:00:00Z"}),
            ids=ONE,
        ),
    ),
    Example(
        "empty requestId when C2 is relaxed",
        exchange(
            success(["inc-1"], meta={"requestId": "", "timestamp": "2026-04-15T20:00:00Z"}), ids=ONE
        ),
        CheckContext(relaxed=frozenset({"C2"})),
    ),
]

PROBLEMS = [
    Example(
        "400 VALIDATION_ERROR", exchange(problem(400), bulk(item("inc-1", status="Foo")), INVALID)
    ),
    Example(
        "status as a numeric string (S6)",
        exchange(problem(400, body_status="400"), bulk(item(None)), INVALID),
    ),
    Example(
        "media type with parameters",
        exchange(
            problem(400, content_type="application/problem+json; charset=utf-8"),
            bulk(item(5)),
            INVALID,
        ),
    ),
    Example(
        "media type in upper case",
        exchange(problem(400, content_type="APPLICATION/PROBLEM+JSON"), {"items": 3}, INVALID),
    ),
    Example(
        "type is the error-reference URL",
        exchange(
            problem(400, type="https://docs.contraforce.com/api-reference/errors#validation_error"),
            [1, 2],
            INVALID,
        ),
    ),
    Example(
        "null or missing RFC 7807 members",
        exchange(
            problem(400, type=None, title=DROP, detail=None, instance=None),
            bulk(item(None)),
            INVALID,
        ),
    ),
    Example(
        "object-level error under the empty key",
        exchange(
            problem(400, errors={"": ["The request body is empty."]}), bulk(item(None)), INVALID
        ),
    ),
    Example(
        "BAD_REQUEST without errors for a body that is not JSON",
        exchange(problem(400, "BAD_REQUEST"), NotJson(b"{not json"), INVALID),
    ),
    Example("403 INSUFFICIENT_WORKSPACE_ROLE", exchange(problem(403), bulk(item("inc-9", "ws-9")))),
    Example("404 NOT_FOUND", exchange(problem(404), bulk(item("inc-1", "ws-gone")))),
    Example("429 with an unpublished code", exchange(problem(429, "RATE_LIMITED", retryAfter=3))),
    Example(
        "extra members on the problem (C4)",
        exchange(problem(404, traceId="00-abc-01", extensions={"a": [1]}), bulk(item("inc-1"))),
    ),
    Example(
        "VALIDATION_ERROR without errors when C9 is relaxed",
        exchange(problem(400, errors=DROP), bulk(item(None)), INVALID),
        CheckContext(relaxed=frozenset({"C9"})),
    ),
    Example(
        "empty id rejected with 400 (S1)",
        exchange(problem(400, errors={"items[0].id": ["The id is required."]}), bulk(item(""))),
    ),
    Example("bodiless POST rejected with 400 (S2)", exchange(problem(400, "BAD_REQUEST"))),
    Example("null items rejected with 400 (S5)", exchange(problem(400), {"items": None})),
    Example(
        "problem timestamp ending Z",
        exchange(problem(404, timestamp="2026-04-15T20:00:00.1234567Z"), bulk(item("inc-1"))),
    ),
    Example(
        "ASP.NET-style errors keys",
        exchange(
            problem(
                400,
                errors={
                    "$.items[0].status": ["The JSON value could not be converted."],
                    "Items[1].Id": ["The Id field is required."],
                    "request": [],
                },
            ),
            bulk(item("inc-1", status="Foo"), {}),
            INVALID,
        ),
    ),
    Example(
        "framework 405 with an Allow header and a trace-style requestId",
        Exchange(
            Request("GET", URL, AUTH),
            response(
                405,
                problem_body(
                    405,
                    "METHOD_NOT_ALLOWED",
                    type="https://tools.ietf.org/html/rfc9110#section-15.5.6",
                    requestId="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                    traceId="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                ),
                "application/problem+json; charset=utf-8",
                Allow="POST",
            ),
        ),
    ),
    Example(
        "401 with WWW-Authenticate and a GUID requestId",
        exchange(
            response(
                401,
                problem_body(401, "UNAUTHORIZED", requestId="6f1c2e9a-4a53-4df0-9a59-0b7d4d5f3f10"),
                "application/problem+json; charset=utf-8",
                **{"WWW-Authenticate": 'Basic realm="ContraForce", charset="UTF-8"'},
            ),
            bulk(item("inc-1")),
        ),
    ),
    Example("whitespace code is not empty", exchange(problem(429, " "), bulk(item("inc-1")))),
]

MAPPING_C11 = [
    Example(
        "unknown enum string",
        exchange(
            problem(400),
            bulk(item("inc-1", status="Foo")),
            Intent(body="invalid", violation_path="items[0].status"),
        ),
    ),
    Example(
        "wrong JSON type",
        exchange(problem(400), bulk(item("inc-1", removeAssignee="yes")), INVALID),
    ),
    Example("missing id", exchange(problem(400), bulk({"workspace": "ws-1"}), INVALID)),
    Example(
        "not JSON, BAD_REQUEST",
        exchange(problem(400, "BAD_REQUEST"), NotJson(b"\xff\xfe"), INVALID),
    ),
    Example("not an object", exchange(problem(400, "BAD_REQUEST"), ["inc-1"], INVALID)),
    Example(
        "status as a string", exchange(problem(400, body_status="400"), bulk(item(7)), INVALID)
    ),
]

NO_AUTH = Exchange(
    request(bulk(item("inc-1")), headers={}), problem(401, "UNAUTHORIZED"), Intent(auth="missing")
)

MAPPING_C12 = [
    Example("no Authorization header", NO_AUTH),
    Example(
        "wrong secret, valid body",
        exchange(
            problem(401, "UNAUTHORIZED"), bulk(item("inc-1")), Intent(auth="invalid", body="valid")
        ),
    ),
    Example(
        "wrong scheme, code unpublished",
        exchange(
            problem(401, "AUTHENTICATION_FAILED"), bulk(item("inc-1")), Intent(auth="invalid")
        ),
    ),
    Example(
        "missing credentials and an invalid body",
        exchange(
            problem(401, "UNAUTHORIZED"), bulk(item(None)), Intent(auth="missing", body="invalid")
        ),
    ),
    Example(
        "truncated header and no body",
        exchange(problem(401, "UNAUTHORIZED"), intent=Intent(auth="invalid", body="unknown")),
    ),
]

MAPPING_C13 = [
    Example(
        "invalid body without credentials gets 401",
        exchange(
            problem(401, "UNAUTHORIZED"), bulk(item(None)), Intent(auth="missing", body="invalid")
        ),
    ),
    Example(
        "invalid body with a wrong secret gets 401",
        exchange(problem(401, "UNAUTHORIZED"), [1], Intent(auth="invalid", body="invalid")),
    ),
    Example(
        "non-JSON body without credentials gets 401",
        exchange(
            problem(401, "UNAUTHORIZED"), NotJson(b"x"), Intent(auth="missing", body="invalid")
        ),
    ),
    Example(
        "body of unknown validity without credentials gets 401",
        exchange(
            problem(401, "UNAUTHORIZED"), {"items": 1}, Intent(auth="missing", body="unknown")
        ),
    ),
    Example(
        "400 before 401 when C13 is relaxed",
        exchange(problem(400), bulk(item(None)), Intent(auth="missing", body="invalid")),
        CheckContext(relaxed=frozenset({"C13"})),
    ),
]

MAPPING_C14 = [
    Example(
        "read-only credential gets 403",
        exchange(
            problem(403, "INSUFFICIENT_SCOPE"),
            bulk(item("inc-1")),
            Intent(auth="no_scope", body="valid"),
        ),
    ),
    Example(
        "403 with the workspace-role code",
        exchange(problem(403), bulk(item("inc-1")), Intent(auth="no_scope")),
    ),
    Example(
        "invalid body may be rejected before the scope",
        exchange(problem(400), bulk(item(None)), Intent(auth="no_scope", body="invalid")),
    ),
    Example(
        "body of unknown validity rejected with 400",
        exchange(
            problem(400, "BAD_REQUEST"), NotJson(b"]"), Intent(auth="no_scope", body="unknown")
        ),
    ),
    Example(
        "invalid body, 403 first",
        exchange(problem(403, "FORBIDDEN"), [1], Intent(auth="no_scope", body="invalid")),
    ),
]

OUTCOMES = [
    Example("all accepted", exchange(success(["inc-1", "inc-2"]), ids=("inc-1", "inc-2"))),
    Example(
        "all forbidden, workspaces echoed",
        exchange(
            success([], [forbid("inc-8", "ws-8"), forbid("inc-9", "ws-9")]),
            bulk(item("inc-8", "ws-8"), item("inc-9", "ws-9")),
        ),
    ),
    Example(
        "duplicate ids in the request answered once",
        exchange(success(["inc-1"], [forbid("inc-9")]), ids=("inc-1", "inc-9", "inc-1", "inc-9")),
    ),
    Example(
        "null accepted list (C18)",
        exchange(success(None, [forbid("inc-9", None)]), ids=("inc-9",)),
    ),
    Example(
        "workspace not named, any workspaceId",
        exchange(success(["inc-1"], [forbid("inc-9", "ws-anything")]), ids=("inc-1", "inc-9")),
    ),
    Example(
        "same id named with two workspaces, either echoed",
        exchange(
            success([], [forbid("inc-9", "ws-b")]),
            bulk(item("inc-9", "ws-a"), item("inc-9", "ws-b")),
        ),
    ),
    Example(
        "ids that are not strings are not requested ids",
        exchange(success(["inc-1"]), bulk(item("inc-1"), item(None), "junk")),
    ),
    Example(
        "blank workspace hint on an unknown id, workspaceId null",
        exchange(success([], [forbid("inc-9", None)]), bulk(item("inc-9", ""))),
    ),
    Example(
        "whitespace workspace hint echoed",
        exchange(success([], [forbid("inc-9", "  ")]), bulk(item("inc-9", "  "))),
    ),
    Example(
        "whitespace workspace hint, home workspace given",
        exchange(success([], [forbid("inc-9", "ws-9")]), bulk(item("inc-9", " \t"))),
    ),
    Example(
        "workspace named once and blank once, any workspaceId",
        exchange(
            success([], [forbid("inc-9", None)]), bulk(item("inc-9", "ws-1"), item("inc-9", ""))
        ),
    ),
    Example(
        "padded workspace hint echoed trimmed, another case",
        exchange(success([], [forbid("inc-9", "ws-alpha")]), bulk(item("inc-9", " WS-Alpha "))),
    ),
    Example(
        "blank id answered with an empty incidentId (S1)",
        exchange(success(["inc-1"], [forbid("", None)]), bulk(item("inc-1"), item("   "))),
    ),
    Example(
        "blank id answered with a null incidentId (S1)",
        exchange(success([], [forbid(None, None)]), bulk(item(" "))),
    ),
    Example(
        "blank id answered without an incidentId (S1)",
        exchange(success([], [{"reason": "NotFound"}]), bulk(item(""))),
    ),
    Example(
        "blank id with a workspace hint, answered without incidentId or workspace",
        exchange(
            success([], [{"reason": "NotFound", "workspaceId": None}]), bulk(item(" ", "ws-1"))
        ),
    ),
    Example(
        "two blank ids answered by one entry",
        exchange(success([], [forbid(None, None)]), bulk(item(""), item("  "))),
    ),
    Example(
        "id answered trimmed",
        exchange(success(["cfct-x"], [forbid("cfct-y")]), ids=("cfct-x  ", "\tcfct-y")),
    ),
    Example(
        "id answered NFC-normalised and in another case",
        exchange(success(["cfct-\u00e9"], [forbid("cfct-abc")]), ids=("cfct-e\u0301", "CFCT-ABC")),
    ),
    Example(
        "two ids alike once trimmed, answered once",
        exchange(success(["cfct-x"]), ids=("cfct-x", "cfct-x ")),
    ),
    Example(
        "two ids alike once trimmed, answered once each in the trimmed form",
        exchange(success(["cfct-x", "cfct-x"]), ids=("cfct-x", "cfct-x ")),
    ),
    Example(
        "id under a member name in another case (a lenient binder reads it)",
        exchange(success([], [forbid("cfct-z")]), {"Items": [{"ID": "cfct-z"}]}),
    ),
    Example(
        "a reason padded with whitespace is still a reason",
        exchange(success([], [forbid("inc-9", reason=" NoWorkspaceRole ")]), ids=("inc-9",)),
    ),
    Example(
        "duplicate answers when C17 is relaxed",
        exchange(success(["inc-1", "inc-1"], [forbid("inc-1")]), ids=ONE),
        CheckContext(relaxed=frozenset({"C17"})),
    ),
]

SANDBOX = Sandbox(
    writable=(Incident("inc-1", "ws-1"), Incident("inc-2", "ws-2")),
    foreign=(Incident("inc-9", "ws-9"),),
)
UNKNOWN = reserved_id()


def sandboxed(
    body_items: list[dict[str, object]], accepted: list[str], forbidden: list[dict[str, object]]
) -> Exchange:
    intent = Intent(body="valid", expected=expected_outcomes(SANDBOX, body_items))
    return exchange(success(accepted, forbidden), bulk(*body_items), intent)


SANDBOXED = [
    Example("writable without workspace accepted", sandboxed([item("inc-1")], ["inc-1"], [])),
    Example(
        "writable with its workspace accepted", sandboxed([item("inc-2", "ws-2")], ["inc-2"], [])
    ),
    Example("foreign forbidden", sandboxed([item("inc-9", "ws-9")], [], [forbid("inc-9", "ws-9")])),
    Example("unknown id forbidden", sandboxed([item(UNKNOWN)], [], [forbid(UNKNOWN, None)])),
    Example(
        "writable named with another workspace forbidden",
        sandboxed([item("inc-1", "ws-9")], [], [forbid("inc-1", "ws-9")]),
    ),
    Example(
        "undecided id (sent with conflicting workspaces) either way",
        sandboxed(
            [item("inc-1"), item("inc-1", "ws-9"), item("inc-9")], ["inc-1"], [forbid("inc-9")]
        ),
    ),
    Example(
        "writable with a blank hint, accepted or forbidden",
        sandboxed([item("inc-1", " "), item("inc-2", "")], ["inc-2"], [forbid("inc-1", None)]),
    ),
    Example(
        "foreign answered in another case",
        sandboxed([item("inc-9", "ws-9")], [], [forbid("INC-9", "WS-9")]),
    ),
    Example(
        "mixed batch",
        sandboxed(
            [item("inc-1", "ws-1"), item("inc-2"), item("inc-9"), item(UNKNOWN)],
            ["inc-2", "inc-1"],
            [forbid(UNKNOWN), forbid("inc-9", "ws-9")],
        ),
    ),
]

_STATUS_MAPPING = [*MAPPING_C11, *MAPPING_C12, *MAPPING_C13, *MAPPING_C14]
ALL = [*SUCCESS, *PROBLEMS, *_STATUS_MAPPING, *OUTCOMES, *SANDBOXED]

CONFORMING: dict[str, list[Example]] = {
    "success_media_type_conformance": SUCCESS,
    "success_envelope_conformance": SUCCESS,
    "request_id_conformance": [*SUCCESS, *PROBLEMS],
    "timestamp_conformance": [*SUCCESS, *PROBLEMS],
    "problem_media_type_conformance": PROBLEMS,
    "problem_body_conformance": PROBLEMS,
    "problem_status_conformance": PROBLEMS,
    "problem_code_conformance": PROBLEMS,
    "problem_trace_conformance": PROBLEMS,
    "validation_errors_conformance": PROBLEMS,
    "problem_members_conformance": PROBLEMS,
    "status_code_mapping_conformance": MAPPING_C11,
    "authentication_conformance": MAPPING_C12,
    "auth_before_validation_conformance": MAPPING_C13,
    "scope_conformance": MAPPING_C14,
    "no_server_error_conformance": ALL,
    "outcome_coverage_conformance": OUTCOMES,
    "outcome_partition_conformance": OUTCOMES,
    "forbidden_entry_conformance": OUTCOMES,
    "sandbox_authorisation_conformance": SANDBOXED,
}

__all__ = ["ALL", "AUTH", "CONFORMING", "Example"]
