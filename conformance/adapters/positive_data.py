"""schemathesis's ``positive_data_acceptance``, held to the rejections the contract allows.

Even the corrected document calls some bodies valid that the contract lets a server answer
with 400: the spec's defects S1, S2, S5 and S8, as ``conformance.checks.tolerated_rejection``
tells them (the fuzzing phase asks it too). The batch cap of S8 comes from
``CF_CONFORMANCE_MAX_ITEMS`` here, as ``limits.max_items`` gives it in a target file; without
it no batch size is excused.

Importing this module replaces the registered ``positive_data_acceptance`` with one that
lets exactly those 400s through and otherwise gives schemathesis's own verdict. It keeps the
name, so ``--checks``, ``--exclude-checks`` and the ``[checks.positive_data_acceptance]``
settings work as before; ``uninstall()`` puts schemathesis's own check back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, cast

import schemathesis
from schemathesis.checks import CHECKS as SCHEMATHESIS_CHECKS
from schemathesis.core import NotSet
from schemathesis.core.transport import Response as SchemathesisResponse
from schemathesis.generation.case import Case
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance as schemathesis_positive_data_acceptance,
)

from conformance.checks import (
    NO_BODY,
    TOLERATED_STATUS,
    JsonValue,
    NotJson,
    RequestBody,
    tolerated_rejection,
)

__all__ = [
    "MAX_ITEMS_VARIABLE",
    "TOLERATED_STATUS",
    "install",
    "is_installed",
    "max_items_from_environment",
    "positive_data_acceptance",
    "uninstall",
]

MAX_ITEMS_VARIABLE = "CF_CONFORMANCE_MAX_ITEMS"
_NAME = schemathesis_positive_data_acceptance.__name__


def max_items_from_environment(environ: Mapping[str, str] = os.environ) -> int | None:
    """The batch cap named in ``CF_CONFORMANCE_MAX_ITEMS``, or None when it is not set."""
    raw = environ.get(MAX_ITEMS_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        cap = int(raw)
    except ValueError:
        cap = 0
    if cap < 1:
        raise ValueError(f"{MAX_ITEMS_VARIABLE}={raw!r}: the batch cap must be a whole number >= 1")
    return cap


def _sent_body(body: object) -> RequestBody:
    """schemathesis's case body as the checks read a request body."""
    if isinstance(body, NotSet):
        return NO_BODY
    if isinstance(body, bytes):
        return NotJson(body)
    return cast(JsonValue, body)


_MAX_ITEMS = max_items_from_environment()


def positive_data_acceptance(
    ctx: schemathesis.CheckContext, response: SchemathesisResponse, case: Case[Any]
) -> bool | None:
    """schemathesis's check, except for a 400 that a spec defect lets the server give."""
    try:
        return schemathesis_positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if tolerated_rejection(response.status_code, _sent_body(case.body), max_items=_MAX_ITEMS):
            return None
        raise


def is_installed() -> bool:
    return SCHEMATHESIS_CHECKS.get_one(_NAME) is positive_data_acceptance


def install() -> None:
    # The registry is keyed by function name, so ours takes the place of schemathesis's (in
    # the same position). ``schemathesis.check`` would refuse the taken name.
    SCHEMATHESIS_CHECKS.register(positive_data_acceptance)


def uninstall() -> None:
    SCHEMATHESIS_CHECKS.register(schemathesis_positive_data_acceptance)


install()
