"""``cf_client``: the guarded client's requests, the intent it derives, and exchanges that hold
no secret. The target is an ``httpx.MockTransport``: nothing leaves the process."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from conformance.checks import CheckContext, Exchange, Intent
from conformance.pytest_plugin.check import ExchangeFailure
from conformance.pytest_plugin.client import ContractClient
from conformance.pytest_plugin.sandbox_ids import SandboxIds
from conformance.run import (
    Credential,
    Limits,
    PlannedRequest,
    Redactor,
    Target,
    TargetClient,
    TargetUnreachable,
)
from conformance.sandbox import Incident, Sandbox, UnsafeWriteError
from strategies import BulkUpdateExample

PATH = "/api/v2/incidents/across-workspaces/bulk-update"
WRITER = Credential("basic", "writer-id", "writer-secret-0001")
NO_SCOPE = Credential("basic", "reader-id", "reader-secret-0002")
SANDBOX = Sandbox(writable=(Incident("INC-1", "ws-own"),), foreign=(Incident("INC-9", "ws-other"),))
RESERVED = "cfct-00000000-0000-4000-8000-000000000001"
OK = {"data": {"accepted": [], "forbidden": []}, "meta": {"requestId": "r", "timestamp": "t"}}
Handler = Callable[[httpx.Request], httpx.Response]


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=OK)


def _client(
    handler: Handler = _answer, *, no_scope: bool = True, relaxed: frozenset[str] = frozenset()
) -> tuple[ContractClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    target = Target(
        name="mock",
        base_url="http://127.0.0.1:9",
        writer=WRITER,
        no_scope=NO_SCOPE if no_scope else None,
        sandbox=SANDBOX,
        limits=Limits(timeout_seconds=2, retries=1),
    )
    transport = httpx.MockTransport(record)
    client = TargetClient(target, transport=transport, sleep=lambda seconds: None)
    contract = ContractClient(
        client,
        sandbox=SandboxIds.of(SANDBOX),
        redactor=Redactor.for_credentials(target.credentials),
        context=CheckContext(relaxed=relaxed),
    )
    return contract, seen


MIXED = {"items": [{"id": "INC-1"}, {"id": "INC-9", "workspace": "ws-own"}, {"id": RESERVED}]}
MIXED_OUTCOMES = {"INC-1": "accepted", "INC-9": "forbidden", RESERVED: "forbidden"}


@pytest.mark.parametrize(
    ("kwargs", "intent", "authorization"),
    [
        pytest.param(
            {}, Intent("valid", "unknown", expected=MIXED_OUTCOMES), WRITER, id="writer-default"
        ),
        pytest.param(
            {"valid": True},
            Intent("valid", "valid", expected=MIXED_OUTCOMES),
            WRITER,
            id="vouched-valid",
        ),
        pytest.param(
            {"valid": False, "violation_path": "items[0].status"},
            Intent("valid", "invalid", "items[0].status", expected=MIXED_OUTCOMES),
            WRITER,
            id="deliberately-invalid",
        ),
        pytest.param(
            {"expected": {"INC-1": None}},
            Intent("valid", "unknown", expected={"INC-1": None}),
            WRITER,
            id="expected-given",
        ),
        pytest.param({"expected": None}, Intent("valid", "unknown"), WRITER, id="expected-none"),
        pytest.param({"credential": None}, Intent("missing", "unknown"), None, id="no-credential"),
        pytest.param(
            {"credential": "no_scope"}, Intent("no_scope", "unknown"), NO_SCOPE, id="no-scope"
        ),
        pytest.param(
            {"authorization": "Basic d3Jvbmc6"},
            Intent("invalid", "unknown"),
            "Basic d3Jvbmc6",
            id="hand-built-header",
        ),
    ],
)
def test_the_intent_follows_the_credential_and_the_claims(
    kwargs: dict[str, Any], intent: Intent, authorization: Credential | str | None
) -> None:
    client, seen = _client()
    exchange = client.bulk_update(MIXED, **kwargs)
    assert exchange.intent == intent
    sent = seen[0].headers.get("Authorization")
    if isinstance(authorization, Credential):
        authorization = authorization.authorization()
    assert sent == authorization
    assert json.loads(seen[0].content) == MIXED
    assert seen[0].headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("body", "content", "expected"),
    [
        pytest.param(..., b"", None, id="no-body"),
        pytest.param(b'{"items": [{"id": "INC-1",}]}', b'{"items": [{"id": "INC-1",}]}', None,
                     id="bytes-as-they-are"),
        pytest.param({"items": None}, b'{"items": null}', None, id="null-items"),
        pytest.param([{"id": "INC-1"}], b'[{"id": "INC-1"}]', None, id="array-body"),
        pytest.param({"items": [{"id": "INC-1", "workspace": " "}]},
                     b'{"items": [{"id": "INC-1", "workspace": " "}]}', {"INC-1": None},
                     id="blank-hint-undecided"),
    ],
)  # fmt: skip
def test_the_body_is_sent_as_given(body: Any, content: bytes, expected: Any) -> None:
    client, seen = _client()
    exchange = client.bulk_update() if body is ... else client.bulk_update(body)
    assert seen[0].content == content
    assert exchange.intent.expected == expected


def test_a_generated_example_carries_its_expectations() -> None:
    body, expected = {"items": [{"id": "INC-1"}]}, {"INC-1": "accepted"}
    client, _ = _client()
    unvouched = BulkUpdateExample(body, expected, vouched=False)  # type: ignore[arg-type]
    assert client.bulk_update_example(unvouched).intent == Intent(
        "valid", "unknown", expected=expected
    )
    vouched = BulkUpdateExample(body, expected, vouched=True)  # type: ignore[arg-type]
    assert client.bulk_update_example(vouched).intent.body == "valid"


def test_the_exchange_holds_no_secret() -> None:
    client, seen = _client()
    exchange = client.bulk_update({"items": [{"id": "INC-1"}]})
    token = WRITER.authorization().split()[1]
    assert seen[0].headers["Authorization"] == f"Basic {token}"  # the real one went out
    assert exchange.request.headers["Authorization"] == "Basic [REDACTED]"
    response = exchange.response
    assert isinstance(response, httpx.Response)
    assert response.request.headers["Authorization"] == "Basic [REDACTED]"
    assert response.next_request is None
    assert str(response.request.url) == f"http://127.0.0.1:9{PATH}"
    for shown in (repr(exchange), repr(exchange.request), repr(response.request.headers)):
        assert token not in shown
        assert WRITER.secret not in shown
    assert repr(client) == "<cf_client for mock (http://127.0.0.1:9)>"


def test_without_a_no_scope_credential_the_test_is_skipped() -> None:
    client, seen = _client(no_scope=False)
    with pytest.raises(pytest.skip.Exception, match=r"target mock has no \[auth.no_scope\]"):
        client.bulk_update(MIXED, credential="no_scope")
    assert seen == []


def test_an_unknown_credential_name_is_refused() -> None:
    client, _ = _client()
    with pytest.raises(ValueError, match="unknown credential 'admin'"):
        client.bulk_update(MIXED, credential="admin")  # type: ignore[arg-type]


def test_the_write_rule_holds_at_the_send_point() -> None:
    client, seen = _client()
    with pytest.raises(UnsafeWriteError):
        client.bulk_update({"items": [{"id": "INC-4242"}]})
    assert seen == []


def test_send_takes_any_planned_request() -> None:
    client, seen = _client()
    exchange = client.send(PlannedRequest("GET", PATH))
    assert (seen[0].method, exchange.intent) == ("GET", Intent())
    assert isinstance(exchange, Exchange)
    assert client.stats.requests == 1


def _silent_to_writes(request: httpx.Request) -> httpx.Response:
    # A request with a body gets no answer; the liveness check (no body, no credentials) does.
    if request.content:
        raise httpx.ReadTimeout("timed out", request=request)
    return httpx.Response(401)


def test_a_request_without_answer_is_a_c22_finding_while_the_target_answers_others() -> None:
    client, seen = _client(_silent_to_writes)
    with pytest.raises(ExchangeFailure) as caught:
        client.bulk_update({"items": [{"id": "INC-1"}]})
    assert str(caught.value) == (
        "[C22] Request got no answer\n"
        # One attempt: the target answered the liveness check, so the request is not retried.
        "Received: no HTTP answer in 1 attempt(s) (ReadTimeout: timed out), "
        "while the target still answers a liveness check\n"
        "Expected: an HTTP answer within 2 s (limits.timeout_seconds)\n"
        f"At: POST {PATH}\n"
        "\n"
        f"reproduce: curl -sS -X POST http://127.0.0.1:9{PATH} "
        "-H 'Content-Type: application/json' "
        "-H 'Accept: application/json, application/problem+json' "
        "-H 'Authorization: Basic [REDACTED]' "
        '--data-binary \'{"items": [{"id": "INC-1"}]}\''
    )
    # One try, then the run's liveness check (a POST with nothing in it), which answers: the
    # request is not retried.
    assert [(r.method, r.content, "authorization" in r.headers) for r in seen] == [
        ("POST", b'{"items": [{"id": "INC-1"}]}', True),
        ("POST", b"", False),
    ]


def test_with_c22_relaxed_a_request_without_answer_skips_the_test() -> None:
    client, _ = _client(_silent_to_writes, relaxed=frozenset({"C22"}))
    with pytest.raises(pytest.skip.Exception, match="C22 is relaxed by the target file"):
        client.bulk_update({"items": [{"id": "INC-1"}]})


def test_a_target_that_answers_nothing_is_unreachable_not_a_finding() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client, _ = _client(refuse)
    with pytest.raises(TargetUnreachable, match=r"^127\.0\.0\.1 is unreachable: a request went"):
        client.bulk_update({"items": [{"id": "INC-1"}]})
