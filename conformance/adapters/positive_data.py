"""schemathesis's ``positive_data_acceptance``, held to the rejections the contract allows.

Even the corrected document calls some bodies valid that the contract lets a server answer
with 400 (docs/contract.md, "Known defects of the vendored spec"):

- S1: an empty or blank ``id`` may get a 400 or a forbidden entry;
- S2: the body is optional, yet a bodiless POST may get a 400;
- S5: ``{}``, ``{"items": null}`` and ``{"items": []}`` may get a 400;
- S8: a batch over the server's cap may get a 400. The spec has no cap; the user gives it in
  ``CF_CONFORMANCE_MAX_ITEMS`` (as ``limits.max_items`` does in a target file), and without
  it no batch size is excused.

Importing this module replaces the registered ``positive_data_acceptance`` with one that
lets exactly those 400s through and otherwise gives schemathesis's own verdict. It keeps the
name, so ``--checks``, ``--exclude-checks`` and the ``[checks.positive_data_acceptance]``
settings work as before; ``uninstall()`` puts schemathesis's own check back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import schemathesis
from schemathesis.checks import CHECKS as SCHEMATHESIS_CHECKS
from schemathesis.core import NotSet
from schemathesis.core.transport import Response as SchemathesisResponse
from schemathesis.generation.case import Case
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance as schemathesis_positive_data_acceptance,
)

__all__ = [
    "MAX_ITEMS_VARIABLE",
    "TOLERATED_STATUS",
    "install",
    "is_installed",
    "max_items_from_environment",
    "positive_data_acceptance",
    "tolerated_rejection",
    "uninstall",
]

MAX_ITEMS_VARIABLE = "CF_CONFORMANCE_MAX_ITEMS"
# The defects let a server answer with "a 400 problem"; any other status stays a rejection.
TOLERATED_STATUS = 400
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


def tolerated_rejection(body: object, *, max_items: int | None = None) -> str | None:
    """The spec defect under which a server may answer this schema-valid body with 400.

    ``body`` is the request body as schemathesis generated it (``NotSet`` when there is
    none). None means the contract excuses no 400 for it.
    """
    if isinstance(body, NotSet):
        return "S2"
    if not isinstance(body, dict):
        return None
    items = body.get("items")
    if items is None or items == []:
        return "S5"
    if not isinstance(items, list):
        return None
    if any(_has_blank_id(item) for item in items):
        return "S1"
    if max_items is not None and len(items) > max_items:
        return "S8"
    return None


def _has_blank_id(item: object) -> bool:
    if not isinstance(item, dict):
        return False
    value = item.get("id")
    return isinstance(value, str) and not value.strip()


_MAX_ITEMS = max_items_from_environment()


def positive_data_acceptance(
    ctx: schemathesis.CheckContext, response: SchemathesisResponse, case: Case[Any]
) -> bool | None:
    """schemathesis's check, except for a 400 that a spec defect lets the server give."""
    try:
        return schemathesis_positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code == TOLERATED_STATUS and tolerated_rejection(
            case.body, max_items=_MAX_ITEMS
        ):
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
