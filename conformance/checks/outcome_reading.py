"""Reading a bulk update for the outcome checks: the ids a request names, the ids its answer
gives, and how the two are compared.

Ids (and workspace names) are compared the way a server may normalise them before echoing:
without leading and trailing whitespace, in one Unicode normal form, and without case (a
server that binds ids to GUIDs answers them in lower case). ``"cfct-x  "`` answered as
``"cfct-x"`` is the same id; an answer that matches nothing requested even so is not.

A blank or whitespace-only id names no incident (S1: it may get a 400 or a forbidden entry),
so a forbidden entry may answer it with the blank string, ``null``, or no ``incidentId``.
Likewise a blank ``workspace`` hint names no workspace (C19).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from conformance.checks._base import body_object, is_success
from conformance.checks.exchange import Exchange, JsonValue, Request
from conformance.checks.failure import json_path
from conformance.sandbox import Outcome

__all__ = [
    "BLANK",
    "Answer",
    "OutcomeView",
    "RequestedItem",
    "id_key",
    "is_blank",
    "lenient_requested_ids",
    "read_outcome",
    "requested_ids",
    "requested_items",
]

BLANK = ""
"""The key of every blank id, and of a forbidden entry that names no id."""


def id_key(value: str) -> str:
    """The form in which two ids, or two workspace names, are compared.

    Trimmed, then caseless-matched as Unicode defines it (NFD, case-fold, NFD), so that
    trimmed, NFC-normalised or lower-cased echoes match what was sent.
    """
    decomposed = unicodedata.normalize("NFD", value.strip())
    return unicodedata.normalize("NFD", decomposed.casefold())


def is_blank(value: object) -> bool:
    """A string that is empty or whitespace only: it names nothing."""
    return isinstance(value, str) and not value.strip()


@dataclass(frozen=True, slots=True)
class RequestedItem:
    """One item of the request that carries a string id."""

    index: int
    incident_id: str
    workspace: str | None
    """The workspace hint, when it names one: a missing, null or blank hint names none."""


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
            names_one = isinstance(workspace, str) and not is_blank(workspace)
            found.append(
                RequestedItem(
                    index=index,
                    incident_id=str(item["id"]),
                    workspace=str(workspace) if names_one else None,
                )
            )
    return tuple(found)


def requested_ids(request: Request) -> dict[str, int]:
    """R, in request order: each distinct id -> the index of its first item."""
    ids: dict[str, int] = {}
    for item in requested_items(request):
        ids.setdefault(item.incident_id, item.index)
    return ids


def lenient_requested_ids(request: Request) -> set[str]:
    """R, and every other string a lenient binder could read as an incident id.

    ASP.NET matches member names without case, so ``Items`` and ``ID`` bind too, and a bare
    string in ``items`` could be taken for an item's id. Answering one of these is not a
    cross-request leak: the request named it, in a way some server reads.
    """
    ids = set(requested_ids(request))
    body = request.body
    candidates: list[JsonValue] = []
    if isinstance(body, dict):
        for name, value in body.items():
            if name.strip().casefold() == "items" and isinstance(value, list):
                candidates.extend(value)
    elif isinstance(body, list):
        candidates.extend(body)
    for element in candidates:
        if isinstance(element, str):
            ids.add(element)
        elif isinstance(element, dict):
            ids.update(
                value
                for name, value in element.items()
                if name.strip().casefold() == "id" and isinstance(value, str)
            )
    return ids


@dataclass(frozen=True, slots=True)
class Answer:
    """One id the response answered: an ``accepted`` element or a forbidden ``incidentId``.

    ``key`` is ``id_key`` of a string answer, ``BLANK`` for a forbidden entry whose
    ``incidentId`` is null or missing (it can only answer a blank id), and ``None`` for an
    ``accepted`` element that is not a string.
    """

    value: JsonValue
    outcome: Outcome
    path: str
    key: str | None


@dataclass(frozen=True, slots=True)
class OutcomeView:
    """A 2xx ``data`` read leniently: whatever could be read, and what could not."""

    answers: tuple[Answer, ...]
    forbidden_entries: tuple[tuple[int, JsonValue], ...]
    malformed: tuple[tuple[str, JsonValue], ...]

    def keys(self, outcome: Outcome) -> set[str]:
        """The keys of the ids answered with ``outcome``."""
        return {a.key for a in self.answers if a.outcome == outcome and a.key is not None}


def read_outcome(exchange: Exchange) -> OutcomeView | None:
    """The outcome of a bulk update's 2xx with a ``data`` object; None otherwise (C1 reports
    that). A read-back's ``data`` is an incident, so it has no outcome to read."""
    if exchange.intent.operation != "bulk_update" or not is_success(exchange.status):
        return None
    body = body_object(exchange)
    data = body.get("data") if body is not None else None
    if not isinstance(data, dict):
        return None
    answers: list[Answer] = []
    entries: list[tuple[int, JsonValue]] = []
    malformed: list[tuple[str, JsonValue]] = []
    for index, value in enumerate(_list_member(data, "accepted", malformed)):
        key = id_key(value) if isinstance(value, str) else None
        answers.append(Answer(value, "accepted", json_path("data", "accepted", index), key))
    for index, entry in enumerate(_list_member(data, "forbidden", malformed)):
        entries.append((index, entry))
        if not isinstance(entry, dict):
            continue  # C19's finding
        incident_id = entry.get("incidentId")
        path = json_path("data", "forbidden", index, "incidentId")
        if isinstance(incident_id, str):
            answers.append(Answer(incident_id, "forbidden", path, id_key(incident_id)))
        elif incident_id is None:
            answers.append(Answer(None, "forbidden", path, BLANK))
        # Any other incidentId answers nothing: C19 reports it.
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
