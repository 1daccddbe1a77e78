"""``cf_client``: the run layer's guarded client, returning exchanges the checks can judge.

Every request goes through ``conformance.run.TargetClient.send``, so a test obeys the same
rules as ``cf-conformance run``: the write rule at the send point, the write budget, the
rate limit, ``Retry-After`` on 429 and retries on network errors. What comes back is an
``Exchange`` that holds no secret: its request headers are redacted, and so is the request
the response points back to, so that neither an assertion's explanation, ``--showlocals``
nor ``-vv`` can print a credential.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, Literal, NoReturn, Protocol

import httpx
import pytest

from conformance.checks import (
    NO_BODY,
    AuthIntent,
    BodyIntent,
    CheckContext,
    Exchange,
    Intent,
    Request,
)
from conformance.openapi import BULK_UPDATE_PATH
from conformance.pytest_plugin.check import ExchangeFailure, redacted, reproducer
from conformance.pytest_plugin.sandbox_ids import SandboxIds
from conformance.run import PlannedRequest, Redactor, Target, TargetClient
from conformance.run.client import ClientStats, NoAnswer
from conformance.run.liveness import Liveness, unanswered_failure
from conformance.sandbox import Outcome, expected_outcomes

__all__ = ["AUTO", "ContractClient", "CredentialName", "GeneratedRequest"]

CredentialName = Literal["writer", "no_scope"]
JSON_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, application/problem+json",
}


class _Auto:
    def __repr__(self) -> str:
        return "AUTO"


AUTO: Final = _Auto()
"""``expected=AUTO``: derive the C20 outcome of each id from the target's sandbox."""


class GeneratedRequest(Protocol):
    """What ``strategies.bulk_update_requests`` draws (a ``BulkUpdateExample``)."""

    @property
    def body(self) -> Mapping[str, Any]: ...
    @property
    def expected(self) -> Mapping[str, Outcome | None]: ...
    @property
    def vouched(self) -> bool: ...


class ContractClient:
    """Sends requests to the target and returns ``Exchange``s for ``cf_check``."""

    def __init__(
        self,
        client: TargetClient,
        *,
        sandbox: SandboxIds,
        redactor: Redactor,
        context: CheckContext,
    ) -> None:
        self._client = client
        self.sandbox = sandbox
        self._redactor = redactor
        self._context = context

    @property
    def target(self) -> Target:
        return self._client.target

    @property
    def stats(self) -> ClientStats:
        """Requests sent, writes, retries: counted over the whole pytest session."""
        return self._client.stats

    def bulk_update(
        self,
        body: Any = NO_BODY,
        *,
        credential: CredentialName | None = "writer",
        authorization: str | None = None,
        valid: bool | None = None,
        expected: Mapping[str, Outcome | None] | _Auto | None = AUTO,
        violation_path: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Exchange:
        """POST ``body`` to the bulk-update operation and return the exchange.

        ``body`` is sent as JSON; ``bytes`` are sent as they are (text that is not strict
        JSON); leaving it out sends no body at all.

        ``credential`` picks the target file's credential: ``"writer"``, ``"no_scope"`` (the
        test is skipped when the target file has none), or ``None`` for no ``Authorization``
        header. ``authorization`` sends a header you built instead, and tells the checks the
        credentials are invalid, so a 401 is expected (C12).

        ``valid`` is your claim about the body: ``True`` when it is schema-valid (so a 400 is
        a finding), ``False`` when it deliberately breaks the schema (so a 400 is expected,
        C11; ``violation_path`` says where), ``None`` for no claim.

        ``expected`` is the C20 outcome per id; by default it is derived from the target's
        sandbox for a request made with the writer credential. ``None`` skips C20.
        """
        __tracebackhide__ = True
        auth, header = self._authorization(credential, authorization)
        content = _content(body)
        if isinstance(expected, _Auto):
            expected = self._expected(body) if auth == "valid" else None
        body_intent: BodyIntent = "unknown" if valid is None else ("valid" if valid else "invalid")
        intent = Intent(
            auth=auth, body=body_intent, violation_path=violation_path, expected=expected
        )
        sent_headers = {**JSON_HEADERS, **(headers or {})}
        if header is not None:
            sent_headers["Authorization"] = header
        return self.send(PlannedRequest("POST", BULK_UPDATE_PATH, sent_headers, content), intent)

    def bulk_update_example(self, example: GeneratedRequest) -> Exchange:
        """Send a generated request with the writer credential; its expected outcomes go along.

        A body the strategy does not vouch for (it carries an odd reserved id a server may
        refuse with a 400) is sent with no claim about its validity.
        """
        __tracebackhide__ = True
        return self.bulk_update(
            example.body, valid=True if example.vouched else None, expected=example.expected
        )

    def send(self, planned: PlannedRequest, intent: Intent | None = None) -> Exchange:
        """Send any planned request; ``intent`` tells the checks what it was meant to be."""
        __tracebackhide__ = True
        intent = Intent() if intent is None else intent
        try:
            # A timeout is not retried while the target answers a liveness check.
            response = self._client.send(planned, confirm=Liveness(self._client).confirm)
        except NoAnswer as silence:
            self._no_answer(planned, silence)
        return self._exchange(planned, response, intent)

    def close(self) -> None:
        self._client.close()

    def __repr__(self) -> str:
        return f"<cf_client for {self.target.name} ({self.target.base_url})>"

    # -- the pieces ------------------------------------------------------------------------------

    def _authorization(
        self, credential: CredentialName | None, authorization: str | None
    ) -> tuple[AuthIntent, str | None]:
        if authorization is not None:
            return "invalid", authorization
        if credential is None:
            return "missing", None
        if credential == "writer":
            return "valid", self.target.writer.authorization()
        if credential == "no_scope":
            if self.target.no_scope is None:
                pytest.skip(
                    f"target {self.target.name} has no [auth.no_scope] credential "
                    "(add one to exercise C14)"
                )
            return "no_scope", self.target.no_scope.authorization()
        raise ValueError(f"unknown credential {credential!r}: use 'writer', 'no_scope' or None")

    def _expected(self, body: Any) -> dict[str, Outcome | None] | None:
        items = body.get("items") if isinstance(body, Mapping) else None
        if not isinstance(items, list):
            return None
        return expected_outcomes(
            self.sandbox, [item for item in items if isinstance(item, Mapping)]
        )

    def _exchange(
        self, planned: PlannedRequest, response: httpx.Response, intent: Intent
    ) -> Exchange:
        url = str(response.request.url)
        headers = self._redactor.headers(dict(planned.headers))
        # The response keeps a link to the request as sent, credentials and all; point it at
        # a redacted copy instead (and drop the redirect it might have prepared).
        response.request = httpx.Request(
            planned.method, url, headers=headers, content=planned.content
        )
        response.next_request = None
        request = Request.from_content(planned.method, url, headers, planned.content)
        return Exchange(request, response, intent)

    def _no_answer(self, planned: PlannedRequest, silence: NoAnswer) -> NoReturn:
        """C22: the request got no answer. A finding, unless the whole target is gone.

        The same judgement as ``cf-conformance run``: liveness checks ask the target whether
        it still answers; ``TargetUnreachable`` when it does not.
        """
        __tracebackhide__ = True
        if not silence.confirmed:
            Liveness(self._client).confirm()
        if self._context.is_relaxed("C22"):
            pytest.skip(f"no answer, and C22 is relaxed by the target file: {silence.cause}")
        sent = Request.from_content(
            planned.method,
            silence.url,
            self._redactor.headers(dict(planned.headers)),
            planned.content,
        )
        raise ExchangeFailure(
            [redacted(unanswered_failure(planned, silence, self._client), self._redactor)],
            reproducer=reproducer(sent, self._redactor),
        ) from None


def _content(body: Any) -> bytes | None:
    if body is NO_BODY:
        return None
    if isinstance(body, bytes):
        return body
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
