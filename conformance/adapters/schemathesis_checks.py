"""Offer the clause checks to plain schemathesis users.

Load it as a hooks module and every check runs on every response, next to schemathesis's
own checks (``conformance.adapters.st_run`` loads it together with the spec corrections)::

    SCHEMATHESIS_HOOKS=conformance.adapters.schemathesis_checks \\
        st run spec/openapi.yaml --url https://staging.example --auth client-id:secret

Each check is registered as ``cf_<check name>`` (``cf_outcome_partition_conformance``...),
so it can be chosen or left out with ``--checks`` / ``--exclude-checks``. Inferred clauses
are relaxed with ``CF_CONFORMANCE_RELAX=C2,C17``.

What can be known about a schemathesis case becomes the ``Intent``
(``conformance.adapters.case_intent``, which the fuzzing phase uses too). C20 needs the
sandbox, so it is skipped here.

``conformance.checks`` itself imports nothing of schemathesis; this module is the bridge.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import schemathesis
from schemathesis.checks import CHECKS as SCHEMATHESIS_CHECKS
from schemathesis.core import NotSet
from schemathesis.core.transport import Response as SchemathesisResponse
from schemathesis.generation.case import Case

from conformance.adapters.case_intent import case_intent
from conformance.checks._base import ClauseCheck
from conformance.checks.context import CheckContext
from conformance.checks.exchange import Exchange, Request
from conformance.checks.registry import CHECKS

__all__ = [
    "CHECK_PREFIX",
    "RELAX_VARIABLE",
    "context_from_environment",
    "exchange_from_schemathesis",
    "register_checks",
    "registered_names",
    "unregister_checks",
]

CHECK_PREFIX = "cf_"
RELAX_VARIABLE = "CF_CONFORMANCE_RELAX"


def context_from_environment(environ: Mapping[str, str] = os.environ) -> CheckContext:
    """The checks' context; ``CF_CONFORMANCE_RELAX`` lists inferred clauses to relax."""
    raw = environ.get(RELAX_VARIABLE, "")
    relaxed = frozenset(part.strip().upper() for part in raw.split(",") if part.strip())
    return CheckContext(relaxed=relaxed)


class _ListHeaders(Mapping[str, str]):
    """schemathesis keeps headers as lowercase name -> list of values; fold them as HTTP does."""

    def __init__(self, headers: Mapping[str, list[str]]) -> None:
        self._headers = {name.lower(): ", ".join(values) for name, values in headers.items()}

    def __getitem__(self, name: str) -> str:
        return self._headers[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)


class _AdaptedResponse:
    def __init__(self, response: SchemathesisResponse) -> None:
        self.status_code = response.status_code
        self.headers: Mapping[str, str] = _ListHeaders(response.headers)
        self.content = bytes(response.content or b"")


def _case_body(case: Case[Any]) -> bytes | None:
    body = case.body
    if isinstance(body, NotSet):
        return None
    if isinstance(body, bytes):
        return body
    return json.dumps(body).encode()


def exchange_from_schemathesis(response: SchemathesisResponse, case: Case[Any]) -> Exchange:
    """The exchange as it went on the wire: the prepared request, when there is one, wins."""
    prepared = getattr(response, "request", None)
    method = str(getattr(prepared, "method", None) or case.method)
    url = str(getattr(prepared, "url", None) or case.formatted_path)
    headers = {str(k): str(v) for k, v in dict(getattr(prepared, "headers", None) or {}).items()}
    if not headers:
        headers = {str(k): str(v) for k, v in dict(case.headers or {}).items()}
    sent = getattr(prepared, "body", None)
    content = sent if isinstance(sent, bytes | str) else _case_body(case)
    request = Request.from_content(method, url, headers, content)
    intent = case_intent(case, method=method, path=url, headers=headers, body=request.body)
    return Exchange(request, _AdaptedResponse(response), intent)


_CONTEXT = context_from_environment()
# Every registered check sees the same response; build its exchange once per thread.
_last = threading.local()


def _exchange_for(response: SchemathesisResponse, case: Case[Any]) -> Exchange:
    cached = getattr(_last, "entry", None)
    if cached is not None and cached[0] is response and cached[1] is case:
        exchange: Exchange = cached[2]
        return exchange
    exchange = exchange_from_schemathesis(response, case)
    _last.entry = (response, case, exchange)
    return exchange


def _register(check: ClauseCheck) -> str:
    def run(
        ctx: schemathesis.CheckContext, response: SchemathesisResponse, case: Case[Any]
    ) -> None:
        check(_exchange_for(response, case), _CONTEXT)

    # schemathesis names a check after its function; ours must not clash with its built-ins
    # (it has its own status_code_conformance, for one).
    run.__name__ = run.__qualname__ = f"{CHECK_PREFIX}{check.name}"
    run.__doc__ = check.__doc__
    schemathesis.check(run)
    return run.__name__


def registered_names() -> tuple[str, ...]:
    """The names our checks carry in schemathesis, in clause order."""
    return tuple(f"{CHECK_PREFIX}{name}" for name in CHECKS)


def register_checks() -> tuple[str, ...]:
    """Register every clause check with schemathesis; importing this module already does."""
    return tuple(_register(check) for check in CHECKS.values())


def unregister_checks() -> None:
    """Take our checks out of schemathesis's global registry (for embedding and tests)."""
    present = set(SCHEMATHESIS_CHECKS.get_all_names())
    for name in registered_names():
        if name in present:
            SCHEMATHESIS_CHECKS.unregister(name)


register_checks()
