"""The bulk-update outcome: C16, C17, C19 and C20 (plus the C18 tolerance).

Let R be the distinct string ids in the request's ``items``. On a 2xx, ``accepted`` and the
``incidentId`` of each ``forbidden`` entry must cover R (C16) and partition it (C17). A
missing or ``null`` list means the same as an empty one (C18) everywhere here.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from conformance.checks._base import (
    JUDGED,
    Judged,
    body_object,
    clause_check,
    fail,
    is_success,
    member,
    shown,
)
from conformance.checks.context import CheckContext
from conformance.checks.exchange import Exchange, JsonValue, Request
from conformance.checks.failure import ConformanceFailure, json_path, render
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


@dataclass(frozen=True, slots=True)
class RequestedItem:
    """One item of the request that carries a string id."""

    index: int
    incident_id: str
    workspace: str | None


def requested_items(request: Request) -> tuple[RequestedItem, ...]:
    """The items with a string id; anything else in ``items`` names no incident."""
    body = request.body
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return ()  # no body, null or missing items (S2, S5): R is empty
    found = []
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            workspace = item.get("workspace")
            found.append(
                RequestedItem(
                    index=index,
                    incident_id=str(item["id"]),
                    workspace=workspace if isinstance(workspace, str) else None,
                )
            )
    return tuple(found)


def requested_ids(request: Request) -> dict[str, int]:
    """R, in request order: each distinct id -> the index of its first item."""
    ids: dict[str, int] = {}
    for item in requested_items(request):
        ids.setdefault(item.incident_id, item.index)
    return ids


@dataclass(frozen=True, slots=True)
class Answer:
    """One id the response answered: an ``accepted`` element or a forbidden ``incidentId``."""

    value: JsonValue
    outcome: Outcome
    path: str


@dataclass(frozen=True, slots=True)
class OutcomeView:
    """A 2xx ``data`` read leniently: whatever could be read, and what could not."""

    answers: tuple[Answer, ...]
    forbidden_entries: tuple[tuple[int, JsonValue], ...]
    malformed: tuple[tuple[str, JsonValue], ...]

    def ids(self, outcome: Outcome) -> set[str]:
        return {a.value for a in self.answers if a.outcome == outcome and isinstance(a.value, str)}


def read_outcome(exchange: Exchange) -> OutcomeView | None:
    """The outcome of a 2xx with a ``data`` object; None otherwise (C1 reports that)."""
    if not is_success(exchange.status):
        return None
    body = body_object(exchange)
    data = body.get("data") if body is not None else None
    if not isinstance(data, dict):
        return None
    answers: list[Answer] = []
    entries: list[tuple[int, JsonValue]] = []
    malformed: list[tuple[str, JsonValue]] = []
    accepted = _list_member(data, "accepted", malformed)
    for index, value in enumerate(accepted):
        answers.append(Answer(value, "accepted", json_path("data", "accepted", index)))
    for index, entry in enumerate(_list_member(data, "forbidden", malformed)):
        entries.append((index, entry))
        incident_id = entry.get("incidentId") if isinstance(entry, dict) else None
        # A forbidden entry without a string incidentId is C19's finding, not an answer.
        if isinstance(incident_id, str):
            path = json_path("data", "forbidden", index, "incidentId")
            answers.append(Answer(incident_id, "forbidden", path))
    return OutcomeView(tuple(answers), tuple(entries), tuple(malformed))


def _list_member(
    data: dict[str, JsonValue], name: str, malformed: list[tuple[str, JsonValue]]
) -> list[JsonValue]:
    value = data.get(name)
    if value is None:
        return []  # C18: missing or null means none
    if isinstance(value, list):
        return value
    malformed.append((name, value))
    return []


@clause_check("C16", tolerates=("C18",))
def outcome_coverage_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C16: on a 2xx every requested id is answered, in ``accepted`` or ``forbidden``."""
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
    answered = view.ids("accepted") | view.ids("forbidden")
    requested = requested_ids(exchange.request)
    unanswered = [incident_id for incident_id in requested if incident_id not in answered]
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
    tell an id from another request (a cross-request leak) from one nobody sent.
    """
    view = read_outcome(exchange)
    if view is None:
        return ()
    return tuple(a for a in view.answers if isinstance(a.value, str) and a.value not in requested)


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
    relaxed; relaxing drops only "no id twice" and "no id in both lists".
    """
    view = read_outcome(exchange)
    if view is None:
        return None
    requested = requested_ids(exchange.request)
    leaks = unrequested_answers(exchange, requested.keys())
    if leaks:
        leak = _leak(leaks[0], len(requested))
        fail(leak.title, received=leak.received, expected=leak.expected, at=leak.path)
    for answer in view.answers:
        if not isinstance(answer.value, str):
            fail(
                "Answered id is not a string",
                received=render(answer.value),
                expected="an incident id string from this request",
                at=answer.path,
            )
    if not context.is_relaxed("C17"):
        _check_once(view)
    return JUDGED


def _check_once(view: OutcomeView) -> None:
    answers = [(a.value, a) for a in view.answers if isinstance(a.value, str)]
    accepted_at: dict[str, str] = {}
    for incident_id, answer in answers:
        if answer.outcome == "accepted":
            accepted_at.setdefault(incident_id, answer.path)
    for incident_id, answer in answers:
        if answer.outcome == "forbidden" and incident_id in accepted_at:
            fail(
                "Id in both accepted and forbidden",
                received=f"{render(incident_id)} at {accepted_at[incident_id]} and {answer.path}",
                expected="each requested id in exactly one list",
                at=answer.path,
            )
    seen: dict[str, Answer] = {}
    for incident_id, answer in answers:
        earlier = seen.setdefault(incident_id, answer)
        if earlier is not answer:
            fail(
                "Id answered twice",
                received=f"{render(incident_id)} at {earlier.path} and {answer.path}",
                expected="each requested id answered once",
                at=answer.path,
            )


def _named_workspaces(request: Request) -> dict[str, list[str]]:
    """Workspaces the request named per id, for ids it named one for every time.

    An id sent once with a workspace and once without leaves the server free to answer with
    either, so C19 holds it to nothing.
    """
    named: dict[str, list[str]] = {}
    unnamed: set[str] = set()
    for item in requested_items(request):
        if item.workspace is None:
            unnamed.add(item.incident_id)
        elif item.workspace not in named.get(item.incident_id, []):
            named.setdefault(item.incident_id, []).append(item.workspace)
    return {key: value for key, value in named.items() if key not in unnamed}


@clause_check("C19")
def forbidden_entry_conformance(exchange: Exchange, context: CheckContext) -> Judged | None:
    """C19: each forbidden entry has the ``incidentId`` and a non-empty ``reason``; where the
    request named a workspace for that id, ``workspaceId`` is that workspace.

    An outcome without forbidden entries gives C19 nothing to judge.
    """
    view = read_outcome(exchange)
    if view is None or not view.forbidden_entries:
        return None
    named = _named_workspaces(exchange.request)
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
        if not isinstance(incident_id, str):
            fail(
                "Forbidden entry has no incidentId",
                received=shown(incident_id),
                expected="the incident id string the entry answers for",
                at=json_path("data", "forbidden", index, "incidentId"),
            )
        reason = member(entry, "reason")
        if not isinstance(reason, str) or not reason.strip():
            fail(
                "Forbidden entry has no reason",
                received=shown(reason),
                expected="a non-empty reason string",
                at=json_path("data", "forbidden", index, "reason"),
            )
        workspaces = named.get(incident_id)
        workspace_id = member(entry, "workspaceId")
        if workspaces and workspace_id not in workspaces:
            fail(
                "Forbidden entry names a different workspace",
                received=shown(workspace_id),
                expected=f"{_one_of(workspaces)}, as the request named for {render(incident_id)}",
                at=json_path("data", "forbidden", index, "workspaceId"),
            )
    return JUDGED


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
    _check_no_bypass(view, expected)
    accepted = view.ids("accepted")
    for answer in view.answers:
        value = answer.value
        if (
            isinstance(value, str)
            and answer.outcome == "forbidden"
            and expected.get(value) == "accepted"
            and value not in accepted
        ):
            fail(
                "Writable incident was forbidden",
                received=f"{render(value)} in forbidden",
                expected=f"{render(value)} in accepted: the sandbox lets this credential update it",
                at=answer.path,
            )
    decided = any(outcome is not None for outcome in expected.values())
    return JUDGED if decided else None


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


def _check_no_bypass(view: OutcomeView, expected: Mapping[str, Outcome | None]) -> None:
    for answer in view.answers:
        value = answer.value
        if (
            isinstance(value, str)
            and answer.outcome == "accepted"
            and expected.get(value) == "forbidden"
        ):
            fail(
                "Incident the credential may not update was accepted (authorisation bypass)",
                received=f"{render(value)} in accepted",
                expected=f"{render(value)} in forbidden: foreign, unknown or in another workspace",
                at=answer.path,
            )
