"""Failures with one fingerprint are one finding: counted, with the smallest example kept."""

from __future__ import annotations

import json

import httpx

from conformance.checks import CheckContext, Exchange, Intent, Request
from conformance.run.credentials import Credential, Redactor
from conformance.run.findings import ReplayPlan
from conformance.run.recorder import Recorder

URL = "https://sandbox.example/api/v2/incidents/across-workspaces/bulk-update"
SECRET = "findings-secret-4c1e"
AUTH = {"Authorization": f"Bearer {SECRET}"}


def _crash(ids: list[str], intent: Intent | None = None) -> Exchange:
    body = json.dumps({"items": [{"id": i} for i in ids]})
    request = Request.from_content("POST", URL, AUTH, body)
    response = httpx.Response(500, content=b"", headers={"Content-Type": "text/plain"})
    return Exchange(request, response, intent or Intent())


def _recorder() -> Recorder:
    redactor = Redactor.for_credentials((Credential("bearer", secret=SECRET),))
    return Recorder(context=CheckContext(), redactor=redactor, seed=1, only={"C15"})


def test_one_fingerprint_is_one_finding_with_its_kinds_and_the_smallest_example() -> None:
    """Two kinds of request that meet one defect open one finding, with a count per kind."""
    recorder = _recorder()
    for ids in (["cfct-aaaa", "cfct-bbbb"], ["cfct-c"], ["cfct-dddd", "cfct-e", "cfct-f"]):
        recorder.check(_crash(ids), phase="property: valid bulk updates")
    recorder.check(_crash(["cfct-g"]), phase="probe: sandbox: writable incidents")
    [finding] = findings = list(recorder.findings)
    assert dict(finding.kinds) == {
        "property: valid bulk updates": 3,
        "probe: sandbox: writable incidents": 1,
    }
    assert finding.count == 4
    example = findings[0].example
    assert example.request["body"] == {"items": [{"id": "cfct-c"}]}
    assert recorder.records == [finding.example for finding in findings]
    assert recorder.failed["C15"] == 4


def test_the_example_is_redacted_and_its_replay_keeps_the_request_as_sent() -> None:
    recorder = _recorder()
    exchange = _crash(["cfct-c"], Intent(auth="valid", body="valid", expected={}))
    recorder.check(exchange, phase="probe: p")
    [finding] = recorder.findings
    assert finding.example.request["headers"] == {"Authorization": "Bearer [REDACTED]"}
    assert finding.plan == ReplayPlan.resend(exchange.request, exchange.intent)
    assert finding.plan is not None
    [(planned, intent)] = finding.plan.steps
    assert (planned.method, planned.path, dict(planned.headers), intent) == (
        "POST",
        URL,
        AUTH,
        exchange.intent,
    )
    assert json.loads(planned.content or b"") == {"items": [{"id": "cfct-c"}]}


def test_a_kind_names_the_request_apart_from_the_phase_shown() -> None:
    recorder = _recorder()
    exchange = _crash(["cfct-c"])
    [failure] = recorder.evaluate(exchange)
    recorder.add(failure, exchange, phase="property: p (flaky: did not reproduce on replay)")
    recorder.add(failure, exchange, phase="property: p (run stopped)", kind="property: p")
    recorder.add(failure, exchange, phase="property: p")
    [finding] = recorder.findings
    assert dict(finding.kinds) == {
        "property: p (flaky: did not reproduce on replay)": 1,
        "property: p": 2,
    }
