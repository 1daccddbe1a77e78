"""The schema-valid requests a server may still reject: the spec's defects S1, S2, S5, S8.

Even the corrected document calls some bodies valid that the contract lets a server answer
with a 400 problem (docs/contract.md, "Known defects of the vendored spec"):

- S1: an empty or blank ``id`` may get a 400 or a forbidden entry;
- S2: the body is optional, yet a bodiless POST may get a 400;
- S5: ``{}``, ``{"items": null}`` and ``{"items": []}`` may get a 400;
- S8: a batch over the server's cap may get a 400. The spec has no cap; the user names it
  (``limits.max_items``), and without it no batch size is excused.

Any other status stays a rejection, and so does a 400 for a body none of them covers. Both
the fuzzing phase and the ``st run`` adapter ask this one function.
"""

from __future__ import annotations

from conformance.checks.exchange import NoBody, RequestBody

__all__ = ["TOLERATED_STATUS", "tolerated_rejection"]

TOLERATED_STATUS = 400
"""The defects let a server answer with "a 400 problem"; no other status."""


def tolerated_rejection(status: int, body: RequestBody, *, max_items: int | None) -> str | None:
    """The defect under which a server may answer ``status`` to this schema-valid body.

    ``body`` is the request body as sent (``NO_BODY`` when there was none); ``max_items``
    the server's batch cap, when known. None means the contract excuses no rejection.
    """
    if status != TOLERATED_STATUS:
        return None
    if isinstance(body, NoBody):
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
