"""The fingerprint of a failure: one identity per defect, the same on every run that sees it.

The recipe (version 2; a baseline file and last night's report hold its output):

1. Take four parts of the failure:
   - the clause (``C17``),
   - the check (``outcome_partition_conformance``),
   - the failure's title (``Id answered twice``),
   - the ``At`` path, normalised: every array index becomes ``*`` (``$.data.accepted[3]``
     becomes ``$.data.accepted[*]``, ``items[0].status`` inside an ``errors`` key becomes
     ``items[*].status``), every reserved id becomes ``cfct-*`` and every UUID ``<uuid>``.
   Ids and UUIDs are normalised in the title too.
2. A server error (C15) is identified differently, since a 5xx says "something broke" and
   not what: two crashes on different inputs are two bugs, and one crash is one bug whichever
   check saw it (the suite's own C15 check says ``Server error`` at ``HTTP status``,
   schemathesis's names the operation). Its parts are the clause and a *variant*, in place
   of the check, the title and the place. The variant is made of what the exchange itself
   shows, never of the name of the probe or property that sent it:
   - the answer: ``HTTP <status>``, and the problem's ``code`` when it has one (ids
     normalised);
   - the kind of input, from the request body alone: ``no body``, ``not JSON``, ``a JSON
     array`` (or string, number...) when the body is not an object; for an object, every
     place (indices as ``[*]``) holding an unusual value, sorted and without repeats:
     ``null``, a ``number``, an ``empty string``, a ``blank string`` (whitespace only), an
     ``empty array`` or an ``empty object``; ``plain values`` when there is none.
   Strings are not classed by length or alphabet: what is too long or too exotic depends on
   the server (a column's width, an encoding), and no threshold would hold for servers the
   suite has not met. So two crashes that differ only in the text of an id (too long, not
   ASCII) are one finding; its kinds of request and its minimal example show the input.
   Booleans are plain values: the contract's flags are booleans.
3. A request left unanswered (C22) is identified the same way, for the same reason: a server
   that hangs on two kinds of input has two bugs. Its variant is the method and the kind of
   input: ``no answer to a POST with a JSON array``.
4. Join the parts (four, or two with a variant) with the unit separator (U+001F) and hash the
   text with SHA-256.
5. The fingerprint is the first 16 hex digits of the hash.

What stays out: the kind of request that showed the failure (a probe's or property's name:
the finding lists them, with a count each), the seed, the ids a request carried, timestamps,
request ids, the received value and the response body beyond its code. Two runs with
different seeds, or two probes, that hit one defect therefore give one fingerprint.

Version 1 of the recipe hashed a fifth part for every clause: the kind of request. Findings
keep what it takes to recompute those older fingerprints (``Identity.legacy_fingerprint`` of
each kind, normalised by ``normalise_kind``), so an older baseline still matches
(``conformance.triage.classify``); an older report is read again part by part
(``conformance.triage.previous``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from conformance.checks import (
    ConformanceFailure,
    JsonValue,
    NoBody,
    NotJson,
    Request,
    RequestBody,
    Response,
    parse_json,
)
from conformance.reports import FINGERPRINT_PATTERN, Identity

__all__ = [
    "FINGERPRINT_PATTERN",
    "REFINED_CLAUSES",
    "Identity",
    "identify",
    "identify_failure",
    "input_kind",
    "normalise_kind",
    "normalise_path",
    "server_error_variant",
    "unanswered_variant",
]

REFINED_CLAUSES = frozenset({"C15", "C22"})
"""Clauses whose identity carries a variant (steps 2 and 3 of the recipe)."""

# ``[3]`` and, as some frameworks key their errors, a ``.3`` segment.
_INDEX = re.compile(r"\[\d+\]|(?<=\.)\d+(?=[.\[\"]|$)")
# A reserved id runs until something that cannot be in a JSON path segment or a key.
_RESERVED_ID = re.compile(r"cfct-[^\s\"'\]\[.,;)]*")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_JSON_TYPES = {dict: "object", list: "array", str: "string", type(None): "null"}


def _without_ids(text: str) -> str:
    return _UUID.sub("<uuid>", _RESERVED_ID.sub("cfct-*", text))


def normalise_path(at: str) -> str:
    """``$.data.forbidden[2].workspaceId`` -> ``$.data.forbidden[*].workspaceId``."""
    return _without_ids(_INDEX.sub(lambda m: "[*]" if m.group().startswith("[") else "*", at))


def normalise_kind(kind: str) -> str:
    """A kind of request as findings list it (and as version 1 of the recipe hashed it)."""
    return _without_ids(kind)


def identify(*, clause: str, check: str, title: str, at: str, variant: str = "") -> Identity:
    return Identity(
        clause=clause,
        check=check,
        title=_without_ids(title),
        at=normalise_path(at),
        variant=variant,
    )


def identify_failure(
    failure: ConformanceFailure, request: Request | None, response: Response | None
) -> Identity:
    """The identity of a check's failure on ``request``, answered with ``response`` (None:
    no answer came)."""
    variant = ""
    body: RequestBody = NoBody() if request is None else request.body
    if failure.clause == "C15" and response is not None:
        variant = server_error_variant(response.status_code, _problem_code(response), body)
    elif failure.clause == "C22" and response is None and request is not None:
        variant = unanswered_variant(request.method, body)
    return identify(
        clause=failure.clause,
        check=failure.check,
        title=failure.title,
        at=failure.path,
        variant=variant,
    )


def server_error_variant(status: int, code: str | None, body: RequestBody) -> str:
    """Step 2 of the recipe: ``HTTP 500 INTERNAL_ERROR on items[*].id: null``."""
    answer = f"HTTP {status}" + (f" {_without_ids(code)}" if code else "")
    return f"{answer} on {input_kind(body)}"


def unanswered_variant(method: str, body: RequestBody) -> str:
    """Step 3 of the recipe: ``no answer to a POST with a JSON array``."""
    return f"no answer to a {method.upper()} with {input_kind(body)}"


def input_kind(body: RequestBody) -> str:
    """The kind of input a request body is, as step 2 of the recipe describes it."""
    if isinstance(body, NoBody):
        return "no body"
    if isinstance(body, NotJson):
        return "not JSON"
    if not isinstance(body, dict):
        return f"a JSON {_type_name(body)}"
    unusual = sorted({f"{path}: {kind}" for path, kind in _unusual_values(body, "")})
    return ", ".join(unusual) if unusual else "plain values"


def _type_name(value: JsonValue) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return _JSON_TYPES.get(type(value), "value")


def _unusual_values(value: JsonValue, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        if not value:
            yield path or "$", "empty object"
        for key, item in value.items():
            yield from _unusual_values(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        if not value:
            yield path or "$", "empty array"
        for item in value:
            yield from _unusual_values(item, f"{path}[*]")
    elif value is None:
        yield path, "null"
    elif isinstance(value, str):
        if not value:
            yield path, "empty string"
        elif not value.strip():
            yield path, "blank string"
    elif not isinstance(value, bool):
        yield path, "number"


def _problem_code(response: Response) -> str | None:
    problem = parse_json(bytes(response.content or b""))
    code = problem.get("code") if isinstance(problem, dict) else None
    return code if isinstance(code, str) and code else None
