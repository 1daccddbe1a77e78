"""The redacted curl reproducer: the one recipe the reports and the pytest plugin share."""

from __future__ import annotations

import pytest

from conformance.checks import NO_BODY, NotJson, Request, RequestBody
from conformance.run.credentials import Redactor
from conformance.run.reproducer import body_text, reproducer

SECRET = "reproducer-secret-77"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(NO_BODY, None, id="no-body"),
        pytest.param({"items": ["é"]}, '{"items": ["é"]}', id="json-kept-unescaped"),
        pytest.param(NotJson(b"{items: [],}"), "{items: [],}", id="not-json-as-sent"),
        pytest.param(None, "null", id="null"),
    ],
)
def test_the_body_as_it_went_on_the_wire(body: RequestBody, expected: str | None) -> None:
    assert body_text(body) == expected


def test_no_secret_survives_in_the_reproducer() -> None:
    request = Request(
        "POST",
        f"https://api.example/x?token={SECRET}",
        {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"},
        {"comment": f"echo {SECRET}"},
    )
    command = reproducer(request, Redactor([SECRET]))
    assert SECRET not in command
    assert command.startswith("curl -sS -X POST")
    assert "[REDACTED]" in command
