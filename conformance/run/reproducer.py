"""The curl command that repeats a request, with every credential redacted: one recipe.

The run's findings and the pytest plugin's failures both show it, so a secret the redactor
knows never reaches a report or pytest's output through a reproducer.
"""

from __future__ import annotations

import json

from conformance.checks import NoBody, NotJson, Request, RequestBody
from conformance.reports import curl_command
from conformance.run.credentials import Redactor

__all__ = ["body_text", "reproducer"]


def body_text(body: RequestBody) -> str | None:
    """The body as it went on the wire, as text (None when there was none)."""
    if isinstance(body, NoBody):
        return None
    if isinstance(body, NotJson):
        return body.raw.decode("utf-8", "replace")
    return json.dumps(body, ensure_ascii=False)


def reproducer(request: Request, redactor: Redactor) -> str:
    """A curl command that repeats ``request``, with every credential redacted."""
    headers = redactor.headers({str(name): str(value) for name, value in request.headers.items()})
    text = body_text(request.body)
    return curl_command(
        request.method,
        redactor.text(request.url),
        headers,
        None if text is None else redactor.text(text),
    )
