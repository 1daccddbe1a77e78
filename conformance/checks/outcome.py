"""The bulk-update outcome: C16, C17, C19 and C20 (plus the C18 tolerance).

Let R be the distinct string ids in the request's ``items``. On a 2xx, ``accepted`` and the
``incidentId`` of each ``forbidden`` entry must cover R (C16) and partition it (C17). A
missing or ``null`` list means the same as an empty one (C18) everywhere here. Ids are
compared as a server may normalise them, and a blank id or hint names nothing
(``conformance.checks.outcome_reading`` says how).
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from conformance.checks._base import (
    ABSENT,
    JUDGED,
    Judged,
    clause_check,
    fail,
    is_success,
    member,
    shown,
)
from conformance.checks.context import CheckContext
from conformance.checks.exchange import Exchange, Request
from conformance.checks.failure import ConformanceFailure, json_path, render
from conformance.checks.outcome_reading import (
    BLANK,
    Answer,
    OutcomeView,
    RequestedItem,
    id_key,
    is_blank,
    lenient_requested_ids,
    read_outcome,
    requested_ids,
    requested_items,
)
from conformance.sandbox import Outcome

__all__ = [
    "Answer",
    "OutcomeView",
    "RequestedItem",
    "forbidden_entry_conformance",
    "never_requested_conformance",
    "outcome_coverage_conformance",
    "outcome_partition_conformance",
    "read_outcome",
    "requested_ids",
    "requested_items",
    "sandbox_authorisation_conformance",
    "unrequested_answers",
]


@clause_check("C16", tolerates=("C18",))
def outcome_coverage_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C16: on a 2xx every requested id is answered, in ``accepted`` or ``forbidden``.

    An answer in a normalised form (trimmed, NFC, another case) answers the id it matches; a
    blank id is answered by a forbidden entry with a blank, null or missing ``incidentId``.
    """
    view = read_outcome(exchange)
    if view is None:
        return None
    for name, value in view.malformed:
        fail(
            "Outcome list is neither a list nor null",
            received=render(value),
            expected="a list (null or missing means empty)",
            at=json_path("data", name),
        )
    answered = view.keys("accepted") | view.keys("forbidden")
    requested = requested_ids(exchange.request)
    unanswered = [incident_id for incident_id in requested if id_key(incident_id) not in answered]
    if unanswered:
        first = unanswered[0]
        more = len(unanswered) - 1
        fail(
            "Requested id not answered",
            received=f"no entry for {render(first)} (request $.items[{requested[first]}].id)"
            + (f", nor for {more} more requested id{'s' if more > 1 else ''}" if more else ""),
            expected=f"each of the {len(requested)} distinct requested ids in accepted or "
            "forbidden",
            at="$.data",
        )
    return JUDGED


def unrequested_answers(exchange: Exchange, requested: Set[str]) -> tuple[Answer, ...]:
    """Answers naming an id outside ``requested``, a set the caller chooses.

    The checks pass this request's ids; a runner may pass every id it sent in the run to
    tell an id from another request (a cross-request leak) from one nobody sent. An answer
    matching a requested id once both are normalised (``id_key``) is not outside it.
    """
    view = read_outcome(exchange)
    if view is None:
        return ()
    keys = {id_key(incident_id) for incident_id in requested}
    return tuple(a for a in view.answers if isinstance(a.value, str) and a.key not in keys)


def _leak(answer: Answer, requested_count: int) -> ConformanceFailure:
    return ConformanceFailure(
        clause="C17",
        check="never_requested_conformance",
        title="Answered an id that was never requested: cross-request leak (security failure)",
        received=f"{render(answer.value)} in {answer.outcome}",
        expected=f"only ids this request named ({requested_count} distinct)",
        path=answer.path,
    )


def never_requested_conformance(exchange: Exchange, requested: Set[str]) -> None:
    """C17: the response answers no id outside ``requested`` (see ``unrequested_answers``)."""
    leaks = unrequested_answers(exchange, requested)
    if leaks:
        raise _leak(leaks[0], len(requested))


@clause_check("C17", tolerates=("C18",))
def outcome_partition_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C17 (inferred, strict by default): ``accepted`` and ``forbidden`` partition R.

    An id that was never requested is a cross-request leak and is reported even when C17 is
    relaxed; relaxing drops only "no id twice" and "no id in both lists". An id the request
    named in a way a lenient binder reads (``lenient_requested_ids``) is no leak. Answers
    that normalise to the same id count as that id answered again, unless the request named
    as many distinct ids that normalise to it.
    """
    view = read_outcome(exchange)
    if view is None:
        return None
    request = exchange.request
    leaks = unrequested_answers(exchange, lenient_requested_ids(request))
    if leaks:
        leak = _leak(leaks[0], len(requested_ids(request)))
        fail(leak.title, received=leak.received, expected=leak.expected, at=leak.path)
    for answer in view.answers:
        if answer.outcome == "accepted" and not isinstance(answer.value, str):
            fail(
                "Answered id is not a string",
                received=render(answer.value),
                expected="an incident id string from this request",
                at=answer.path,
            )
    if not context.is_relaxed("C17"):
        _check_once(view, request)
    return JUDGED


def _check_once(view: OutcomeView, request: Request) -> None:
    named: dict[str, set[str]] = {}
    for incident_id in lenient_requested_ids(request):
        named.setdefault(id_key(incident_id), set()).add(incident_id)
    # A forbidden entry without an incidentId answers a blank id, if one was sent; if none
    # was, it answers nothing and C19 reports it.
    answers = [a for a in view.answers if a.key in named]
    groups: dict[str, list[Answer]] = {}
    for answer in answers:
        groups.setdefault(str(answer.key), []).append(answer)
    over = {key for key, group in groups.items() if len(group) > len(named[key])}
    for answer in answers:
        key = str(answer.key)
        first_accepted = next((a for a in groups[key] if a.outcome == "accepted"), None)
        if answer.outcome == "forbidden" and key in over and first_accepted is not None:
            fail(
                "Id in both accepted and forbidden",
                received=_two_places(first_accepted, answer),
                expected="each requested id in exactly one list",
                at=answer.path,
            )
    seen: dict[str, list[Answer]] = {}
    for answer in answers:
        key = str(answer.key)
        earlier = seen.setdefault(key, [])
        earlier.append(answer)
        if len(earlier) > len(named[key]):
            fail(
                "Id answered twice",
                received=_two_places(earlier[0], answer),
                expected="each requested id answered once",
                at=answer.path,
            )


def _two_places(first: Answer, second: Answer) -> str:
    if first.value == second.value:
        return f"{render(first.value)} at {first.path} and {second.path}"
    return f"{render(first.value)} at {first.path} and {render(second.value)} at {second.path}"


def _named_workspaces(request: Request) -> dict[str, list[str]]:
    """Workspaces the request named per id (by ``id_key``), for ids it named one for every time.

    An id sent once with a workspace and once without (or with a blank hint, which names
    none) leaves the server free to answer with either, so C19 holds it to nothing. A blank
    id names no incident, so no workspace is "that incident's" either.
    """
    named: dict[str, list[str]] = {}
    unnamed: set[str] = {BLANK}
    for item in requested_items(request):
        key = id_key(item.incident_id)
        if item.workspace is None:
            unnamed.add(key)
        elif item.workspace not in named.get(key, []):
            named.setdefault(key, []).append(item.workspace)
    return {key: value for key, value in named.items() if key not in unnamed}


@clause_check("C19")
def forbidden_entry_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C19: each forbidden entry has the ``incidentId`` and a ``reason`` that is not blank
    (empty or whitespace only); where the
    request named a workspace for that id, ``workspaceId`` is that workspace.

    A blank hint names no workspace, so the entry may carry any ``workspaceId`` (the blank
    string, null, the incident's home workspace). An entry answering a blank id may carry a
    blank, null or missing ``incidentId``. Workspace names match as ids do (``id_key``).
    An outcome without forbidden entries gives C19 nothing to judge.
    """
    view = read_outcome(exchange)
    if view is None or not view.forbidden_entries:
        return None
    named = _named_workspaces(exchange.request)
    blank_requested = any(is_blank(incident_id) for incident_id in requested_ids(exchange.request))
    for index, entry in view.forbidden_entries:
        at = json_path("data", "forbidden", index)
        if not isinstance(entry, dict):
            fail(
                "Forbidden entry is not an object",
                received=render(entry),
                expected="an object with incidentId, workspaceId and reason",
                at=at,
            )
        incident_id = member(entry, "incidentId")
        if isinstance(incident_id, str):
            key = id_key(incident_id)
        elif blank_requested and (incident_id is ABSENT or incident_id is None):
            key = BLANK
        else:
            fail(
                "Forbidden entry has no incidentId",
                received=shown(incident_id),
                expected="the incident id string the entry answers for",
                at=json_path("data", "forbidden", index, "incidentId"),
            )
        reason = member(entry, "reason")
        # A reason is there to be read: a whitespace-only one is as empty as a missing one.
        if not isinstance(reason, str) or is_blank(reason):
            fail(
                "Forbidden entry has no reason",
                received=shown(reason),
                expected="a reason string with more than whitespace in it",
                at=json_path("data", "forbidden", index, "reason"),
            )
        workspaces = named.get(key)
        workspace_id = member(entry, "workspaceId")
        if workspaces and not _names_one_of(workspace_id, workspaces):
            fail(
                "Forbidden entry names a different workspace",
                received=shown(workspace_id),
                expected=f"{_one_of(workspaces)}, as the request named for {render(incident_id)}",
                at=json_path("data", "forbidden", index, "workspaceId"),
            )
    return JUDGED


def _names_one_of(workspace_id: object, workspaces: list[str]) -> bool:
    return isinstance(workspace_id, str) and id_key(workspace_id) in {
        id_key(workspace) for workspace in workspaces
    }


def _one_of(values: list[str]) -> str:
    return render(values[0]) if len(values) == 1 else f"one of {render(values)}"


@clause_check("C20")
def sandbox_authorisation_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C20: a writable incident (with its own workspace or none) is accepted; a foreign one,
    or one that exists nowhere, is forbidden and never accepted.

    Needs ``intent.expected`` (from ``conformance.sandbox.expected_outcomes``); skipped
    without it. Ids missing from both lists are C16's finding. A valid, authorised request
    naming a writable incident that is rejected as a whole (any non-2xx) did not accept it
    either; the runner only marks a body ``valid`` within the batch cap and without blank
    ids, the two cases where a server may reject schema-valid data (S1, S8).

    Judged when the request was rejected that way, or when an outcome answers an id whose
    outcome the sandbox decides.
    """
    expected = exchange.intent.expected
    if expected is None:
        return None
    if not is_success(exchange.status):
        _check_not_rejected(exchange, expected)
        return None  # a rejection of anything else says nothing about authorisation
    view = read_outcome(exchange)
    if view is None:
        return None
    by_key = _expected_by_key(expected)
    _check_no_bypass(view, by_key)
    accepted = view.keys("accepted")
    for answer in view.answers:
        if (
            answer.outcome == "forbidden"
            and answer.key is not None
            and by_key.get(answer.key) == "accepted"
            and answer.key not in accepted
        ):
            fail(
                "Writable incident was forbidden",
                received=f"{render(answer.value)} in forbidden",
                expected=f"{render(answer.value)} in accepted: the sandbox lets this credential "
                "update it",
                at=answer.path,
            )
    decided = any(outcome is not None for outcome in expected.values())
    return JUDGED if decided else None


def _expected_by_key(expected: Mapping[str, Outcome | None]) -> dict[str, Outcome | None]:
    """The expected outcomes by ``id_key``, so that a normalised answer finds its id; ids
    that normalise alike but expect different outcomes are left undecided."""
    by_key: dict[str, Outcome | None] = {}
    for incident_id, outcome in expected.items():
        key = id_key(incident_id)
        by_key[key] = outcome if by_key.get(key, outcome) == outcome else None
    return by_key


def _check_not_rejected(exchange: Exchange, expected: Mapping[str, Outcome | None]) -> None:
    intent = exchange.intent
    if intent.auth != "valid" or intent.body != "valid":
        return
    writable = sorted(key for key, outcome in expected.items() if outcome == "accepted")
    if writable:
        fail(
            "Request updating a writable incident was rejected",
            received=f"HTTP {exchange.status}",
            expected=f"2xx with {render(writable[0])} in accepted: the body is schema-valid "
            "and the sandbox lets this credential update it",
            at="$",
        )


def _check_no_bypass(view: OutcomeView, by_key: Mapping[str, Outcome | None]) -> None:
    for answer in view.answers:
        if (
            answer.outcome == "accepted"
            and answer.key is not None
            and by_key.get(answer.key) == "forbidden"
        ):
            fail(
                "Incident the credential may not update was accepted (authorisation bypass)",
                received=f"{render(answer.value)} in accepted",
                expected=f"{render(answer.value)} in forbidden: foreign, unknown or in another "
                "workspace",
                at=answer.path,
            )
