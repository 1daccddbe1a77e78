"""``cf_check``: every clause check on an exchange, one failure with every finding, redacted."""

from __future__ import annotations

import json
import pickle

import pytest
from support.exchange_builders import (
    TIMESTAMP,
    URL,
    FakeResponse,
    bulk,
    item,
    problem,
    response,
    success,
)

from conformance.checks import NO_BODY, CheckContext, ConformanceFailure, Exchange, Intent, Request
from conformance.pytest_plugin.check import ContractCheck, ExchangeFailure
from conformance.run import Credential, Redactor

SECRET = "planted-secret-4711"
WRITER = Credential("basic", "client-7", SECRET)
REDACTOR = Redactor.for_credentials([WRITER])
CURL = (
    f"curl -sS -X POST {URL} -H 'Authorization: Basic [REDACTED]' "
    '-H \'Content-Type: application/json\' --data-binary \'{"items": [{"id": "INC-3001"}]}\''
)


def _exchange(resp: FakeResponse, intent: Intent | None = None, body: object = None) -> Exchange:
    headers = {"Authorization": WRITER.authorization(), "Content-Type": "application/json"}
    sent = bulk(item("INC-3001")) if body is None else body
    return Exchange(Request("POST", URL, headers, sent), resp, intent or Intent())  # type: ignore[arg-type]


def _failure(exchange: Exchange, **kwargs: object) -> ExchangeFailure:
    with pytest.raises(ExchangeFailure) as caught:
        ContractCheck(CheckContext(), REDACTOR)(exchange, **kwargs)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    "exchange",
    [
        pytest.param(_exchange(success(["INC-3001"], [])), id="success"),
        pytest.param(_exchange(problem(400), Intent(body="invalid")), id="validation-problem"),
        pytest.param(_exchange(problem(401, "UNAUTHORIZED"), Intent(auth="missing")), id="401"),
    ],
)
def test_a_conforming_exchange_passes(exchange: Exchange) -> None:
    assert ContractCheck(CheckContext(), REDACTOR)(exchange) is None


def test_every_finding_is_in_one_failure_with_the_response_and_a_reproducer() -> None:
    exchange = _exchange(
        success(["INC-3001"], meta={"requestId": "", "timestamp": TIMESTAMP}),
        Intent(body="valid", expected={"INC-3001": "forbidden"}),
    )
    failure = _failure(exchange)
    assert str(failure) == (
        "[C2] requestId is empty\n"
        'Received: ""\n'
        "Expected: a non-empty string, in any format\n"
        "At: $.meta.requestId\n"
        "\n"
        "[C20] Incident the credential may not update was accepted (authorisation bypass)\n"
        'Received: "INC-3001" in accepted\n'
        'Expected: "INC-3001" in forbidden: foreign, unknown or in another workspace\n'
        "At: $.data.accepted[0]\n"
        "\n"
        "response: HTTP 200 application/json "
        '{"data": {"accepted": ["INC-3001"], "forbidden": []}, '
        f'"meta": {{"requestId": "", "timestamp": "{TIMESTAMP}"}}}}\n'
        f"reproduce: {CURL}"
    )
    assert failure.clauses == ("C2", "C20")
    assert [f.check for f in failure.findings] == [
        "request_id_conformance",
        "sandbox_authorisation_conformance",
    ]
    # The failure reads as its first finding, for code written for a ConformanceFailure.
    assert isinstance(failure, ConformanceFailure)
    assert (failure.clause, failure.title) == ("C2", "requestId is empty")
    assert repr(failure) == "ExchangeFailure(clauses=('C2', 'C20'))"


def test_only_limits_the_checks_to_the_clauses_named() -> None:
    exchange = _exchange(
        success(["INC-3001"], meta={"requestId": "", "timestamp": TIMESTAMP}),
        Intent(body="valid", expected={"INC-3001": "forbidden"}),
    )
    assert _failure(exchange, only={"C20"}).clauses == ("C20",)
    assert ContractCheck(CheckContext(), REDACTOR)(exchange, only={"C1"}) is None


def test_a_relaxed_clause_is_not_reported() -> None:
    exchange = _exchange(success(["INC-3001"], meta={"requestId": "", "timestamp": TIMESTAMP}))
    check = ContractCheck(CheckContext(relaxed=frozenset({"C2"})), REDACTOR)
    assert check(exchange) is None
    assert repr(check) == "<cf_check: every clause check (relaxed: C2)>"


def test_a_secret_the_server_echoes_is_redacted_everywhere() -> None:
    echo = f"bad header {WRITER.authorization()} ({SECRET})"
    exchange = _exchange(
        response(500, {"detail": echo, "code": SECRET}, "application/problem+json"),
        body=bulk(item("INC-3001", comment=SECRET)),
    )
    failure = _failure(exchange)
    text = str(failure)
    assert "[C15] Server error" in text
    assert SECRET not in text
    assert WRITER.authorization().split()[1] not in text
    assert failure.response is not None
    assert '"detail": "bad header Basic [REDACTED] ([REDACTED])"' in failure.response
    assert all(SECRET not in str(finding) for finding in failure.findings)
    assert failure.reproducer.endswith(
        '--data-binary \'{"items": [{"id": "INC-3001", "comment": "[REDACTED]"}]}\''
    )


def test_a_long_response_is_cut_after_redaction() -> None:
    # A secret straddling the cut would survive a cut made before redacting.
    body = {"detail": "x" * 450 + SECRET + "y" * 100}  # the secret starts at 496
    failure = _failure(_exchange(response(500, body, "application/problem+json")))
    whole = "HTTP 500 application/problem+json " + json.dumps(body).replace(SECRET, "[REDACTED]")
    assert failure.response == whole[:500] + f"… ({len(whole) - 500} more characters)"
    assert "plan" not in failure.response


def test_a_request_without_body_is_reproduced_without_data() -> None:
    failure = _failure(_exchange(response(500, {}, "application/problem+json"), body=NO_BODY))
    assert failure.reproducer == (
        f"curl -sS -X POST {URL} -H 'Authorization: Basic [REDACTED]' "
        "-H 'Content-Type: application/json'"
    )


def test_the_failure_survives_pickling() -> None:
    failure = _failure(_exchange(response(500, {}, "application/problem+json")))
    failure.add_note("Falsifying example: ...")
    copy = pickle.loads(pickle.dumps(failure))
    assert (str(copy), copy.clauses, copy.__notes__) == (
        str(failure),
        failure.clauses,
        ["Falsifying example: ..."],
    )


def test_a_failure_needs_a_finding() -> None:
    with pytest.raises(ValueError, match="at least one finding"):
        ExchangeFailure([], reproducer="curl")
