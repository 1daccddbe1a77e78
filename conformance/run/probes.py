"""Deterministic probes: a few requests per clause, so a broken clause shows up in seconds.

Each probe is a planned request plus the intent behind it; the checks decide the verdict.
Probes that need something the target file does not provide are skipped with the reason.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import strategies
from conformance.basic_auth import basic_authorization
from conformance.checks import AuthIntent, Intent
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.client import PlannedRequest
from conformance.run.target import Target
from conformance.sandbox import Incident, expected_outcomes, reserved_id
from strategies.lenient_text import DEVIATIONS, render_lenient

__all__ = ["LARGE_BATCH", "Probe", "SkippedProbe", "plan_probes"]

LARGE_BATCH = 50
JSON = "application/json"
PROBE_COMMENT = "cf-conformance probe"


@dataclass(frozen=True)
class Probe:
    name: str
    clauses: tuple[str, ...]
    """The clauses this probe is aimed at (every check still runs on its answer)."""
    request: PlannedRequest
    intent: Intent


@dataclass(frozen=True)
class SkippedProbe:
    name: str
    clauses: tuple[str, ...]
    reason: str


def _reserved(seed: uuid.UUID, n: int) -> str:
    # Derived from the run's seed, so a replayed run sends the same ids.
    return reserved_id(uuid.uuid5(seed, str(n)).int)


def _post(body: Any, auth: str | None, *, content: bytes | None = None) -> PlannedRequest:
    headers = {"Content-Type": JSON, "Accept": "application/json, application/problem+json"}
    if auth is not None:
        headers["Authorization"] = auth
    if content is None and body is not None:
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return PlannedRequest("POST", BULK_UPDATE_PATH, headers, content)


def _item(incident: Incident | str, workspace: str | None = None, **fields: Any) -> dict[str, Any]:
    incident_id = incident.id if isinstance(incident, Incident) else incident
    item: dict[str, Any] = {"id": incident_id, "comment": PROBE_COMMENT, **fields}
    if workspace is not None:
        item["workspace"] = workspace
    return item


def plan_probes(target: Target, *, seed: int) -> tuple[list[Probe], list[SkippedProbe]]:
    namespace = uuid.UUID(int=seed % (1 << 128))
    entries = [
        *_auth_probes(target, namespace),
        *_malformed_body_probes(target, namespace),
        *_lenient_binder_probes(target, namespace),
        *_sandbox_probes(target, namespace),
        *_id_shape_probes(target, namespace),
    ]
    probes = [entry for entry in entries if isinstance(entry, Probe)]
    skipped = [entry for entry in entries if isinstance(entry, SkippedProbe)]
    return probes, skipped


def _auth_probes(target: Target, ns: uuid.UUID) -> Iterator[Probe | SkippedProbe]:
    body = {"items": [_item(_reserved(ns, 0))]}
    writer = target.writer
    # Credentials that look right but are not: never derived from the real secret, so even
    # a truncated header reveals nothing about it.
    fake_id, fake_secret = f"cfct-client-{uuid.uuid5(ns, 'id')}", uuid.uuid5(ns, "secret").hex
    invalid: Mapping[str, str | None] = {
        "no Authorization header": None,
        "wrong scheme": f"Digest username={fake_id}",
        "bad base64": "Basic %%%not-base64%%%",
        "unknown client id": basic_authorization(fake_id, fake_secret),
        "wrong secret": basic_authorization(writer.client_id or fake_id, fake_secret),
        "empty secret": basic_authorization(writer.client_id or fake_id, ""),
        "truncated header": basic_authorization(fake_id, fake_secret)[:-5],
        "scheme only": "Basic",
        "wrong bearer token": f"Bearer {fake_secret}",
    }
    for label, header in invalid.items():
        auth: AuthIntent = "missing" if header is None else "invalid"
        yield Probe(
            f"auth: {label}", ("C12",), _post(body, header), Intent(auth=auth, body="valid")
        )
    yield Probe(
        "auth: unauthenticated with an invalid body",
        ("C12", "C13"),
        _post({"items": "not-a-list"}, None),
        Intent(auth="missing", body="invalid"),
    )
    yield Probe(
        "auth: wrong secret with a body that is not JSON",
        ("C12", "C13"),
        _post(
            None,
            basic_authorization(writer.client_id or fake_id, fake_secret),
            content=b"{not json",
        ),
        Intent(auth="invalid", body="invalid"),
    )
    if target.no_scope is None:
        yield SkippedProbe(
            "auth: credential without incidents:write",
            ("C14",),
            "no [auth.no_scope] credential in the target file",
        )
    else:
        yield Probe(
            "auth: credential without incidents:write",
            ("C14",),
            _post(body, target.no_scope.authorization()),
            Intent(auth="no_scope", body="valid"),
        )


def _malformed_body_probes(target: Target, ns: uuid.UUID) -> Iterator[Probe]:
    auth = target.writer.authorization()
    some_id = _reserved(ns, 1)
    cases: list[tuple[str, Any, bytes | None, str | None]] = [
        ("body is not JSON", None, b'{"items": [', None),
        ("body is a JSON array", [{"id": some_id}], None, None),
        ("body is a JSON string", "items", None, None),
        ("items of the wrong type", {"items": {"id": some_id}}, None, "items"),
        (
            "unknown enum value",
            {"items": [_item(some_id, status="Closed ")]},
            None,
            "items[0].status",
        ),
        (
            "enum value in the wrong case",
            {"items": [_item(some_id, status="closed")]},
            None,
            "items[0].status",
        ),
        (
            "unknown incidentSource",
            {"items": [_item(some_id, incidentSource="Elastic")]},
            None,
            "items[0].incidentSource",
        ),
        ("null id (S1)", {"items": [{"id": None, "comment": PROBE_COMMENT}]}, None, "items[0].id"),
        ("missing id", {"items": [{"comment": PROBE_COMMENT}]}, None, "items[0].id"),
        ("id of the wrong type", {"items": [{"id": [some_id]}]}, None, "items[0].id"),
        (
            "removeAssignee not a boolean",
            {"items": [_item(some_id, removeAssignee="yes")]},
            None,
            "items[0].removeAssignee",
        ),
        ("comment a number", {"items": [_item(some_id, comment=5)]}, None, "items[0].comment"),
        (
            "comment an object",
            {"items": [_item(some_id, comment={"text": PROBE_COMMENT})]},
            None,
            "items[0].comment",
        ),
        ("item not an object", {"items": [some_id]}, None, "items[0]"),
    ]
    for label, body, content, path in cases:
        yield Probe(
            f"malformed: {label}",
            ("C11", "C9"),
            _post(body, auth, content=content),
            Intent(auth="valid", body="invalid", violation_path=path),
        )


def _lenient_binder_probes(target: Target, ns: uuid.UUID) -> Iterator[Probe]:
    """C11: what a lenient binder lets through still gets a 400.

    Every enum field of the item (read from the spec) with a member's index as an integer
    and as a numeric string, which .NET's JsonStringEnumConverter binds by default; a
    boolean as the string "true"; and a valid body written as only a lenient parser reads it.
    """
    auth = target.writer.authorization()
    some_id = _reserved(ns, 2)
    cases: list[tuple[str, Any, bytes | None, str]] = []
    for field, members in strategies.item_enum_fields().items():
        index = len(members) - 1
        for shown, value in ((f"{index}", index), (f'"{index}"', str(index))):
            label = f"{field} as the member index {shown} ({members[index]})"
            cases.append((label, {"items": [{**_item(some_id), field: value}]}, None, field))
    cases.append(
        (
            'removeAssignee as the string "true"',
            {"items": [_item(some_id, removeAssignee="true")]},
            None,
            "removeAssignee",
        )
    )
    valid_body = {"items": [_item(some_id)]}
    for deviation in DEVIATIONS:
        text = render_lenient(valid_body, deviation)
        if text is not None:
            cases.append((f"body with {deviation}", None, text.encode("utf-8"), ""))
    for label, body, content, field in cases:
        yield Probe(
            f"lenient binder: {label}",
            ("C11",),
            _post(body, auth, content=content),
            Intent(
                auth="valid", body="invalid", violation_path=f"items[0].{field}" if field else ""
            ),
        )


def _id_shape_probes(target: Target, ns: uuid.UUID) -> Iterator[Probe]:
    """Odd ids inside the reserved namespace: each is forbidden, or the request gets a 400.

    A server may cap id length or refuse odd characters with a 400 (the body's validity is
    not vouched for), but it never answers with a 5xx, never hangs, and never accepts.
    """
    sandbox, auth = target.sandbox, target.writer.authorization()
    base = _reserved(ns, 300)
    shapes = {
        "long (100 characters)": base + "-" + "x" * (99 - len(base)),
        "overlong (4 KiB)": base + "-" + "x" * (4095 - len(base)),
        "non-ASCII": base + "-инцидент-事件-🚨",
        "padded with blanks": f"  {base}  ",
        "control characters": base + "\x00\t\x1b\x7f",
        "quotes": base + "'\"`",
        "empty (S1)": "",
        "whitespace only (S1)": " \t ",
    }
    for label, incident_id in shapes.items():
        items = [_item(incident_id)]
        yield Probe(
            f"id shape: {label}",
            ("C15", "C16", "C20"),
            _post({"items": items}, auth),
            Intent(auth="valid", body="unknown", expected=expected_outcomes(sandbox, items)),
        )


def _sandbox_probes(target: Target, ns: uuid.UUID) -> Iterator[Probe | SkippedProbe]:
    sandbox, auth = target.sandbox, target.writer.authorization()

    def valid(name: str, clauses: tuple[str, ...], items: list[dict[str, Any]]) -> Probe:
        return Probe(
            name,
            clauses,
            _post({"items": items}, auth),
            Intent(auth="valid", body="valid", expected=expected_outcomes(sandbox, items)),
        )

    unknown = [_reserved(ns, 100 + n) for n in range(3)]
    writable, foreign = list(sandbox.writable[:3]), list(sandbox.foreign[:2])
    if writable:
        yield valid(
            "sandbox: writable with its workspace",
            ("C16", "C20"),
            [_item(i, i.workspace) for i in writable],
        )
        yield valid(
            "sandbox: writable without a workspace", ("C16", "C20"), [_item(i) for i in writable]
        )
        wrong = foreign[0].workspace if foreign else str(uuid.uuid5(ns, "workspace"))
        wrong_hint = [i for i in writable if i.workspace != wrong][:1]
        if wrong_hint:
            yield valid(
                "sandbox: wrong workspace hint", ("C19", "C20"), [_item(wrong_hint[0], wrong)]
            )
    else:
        yield SkippedProbe("sandbox: writable incidents", ("C20",), "sandbox.writable is empty")
    if foreign:
        yield valid(
            "sandbox: foreign incident", ("C19", "C20"), [_item(i, i.workspace) for i in foreign]
        )
        yield valid(
            "sandbox: foreign without a workspace", ("C19", "C20"), [_item(i) for i in foreign]
        )
        callers = [i.workspace for i in writable if i.workspace != foreign[0].workspace]
        if callers:
            # A server that checks the role on the named workspace, not the incident's own,
            # would let this through.
            yield valid(
                "sandbox: foreign named with the caller's workspace",
                ("C19", "C20"),
                [_item(foreign[0], callers[0])],
            )
    else:
        yield SkippedProbe("sandbox: foreign incidents", ("C20",), "sandbox.foreign is empty")
    yield valid("sandbox: unknown ids", ("C16", "C19", "C20"), [_item(i) for i in unknown])
    duplicated = [_item(unknown[0]), _item(unknown[0])]
    if writable:
        duplicated += [_item(writable[0]), _item(writable[0], writable[0].workspace)]
    yield valid("sandbox: duplicate ids", ("C16", "C17"), duplicated)
    for label, body, content in (
        ("empty items (S5)", {"items": []}, None),
        ("null items (S5)", {"items": None}, None),
        ("missing items (S5)", {}, None),
    ):
        yield Probe(
            f"sandbox: {label}",
            ("C16", "C18"),
            _post(body, auth, content=content),
            Intent(auth="valid", body="valid", expected={}),
        )
    yield Probe(
        "sandbox: no body at all (S2)",
        ("C1", "C5"),
        PlannedRequest("POST", BULK_UPDATE_PATH, {"Authorization": auth}, None),
        Intent(auth="valid", body="valid", expected={}),
    )
    cap = target.limits.max_items
    pool: list[Incident | str] = [*writable, *foreign, *unknown]
    pool += [_reserved(ns, 200 + n) for n in range(LARGE_BATCH)]
    size = LARGE_BATCH + 5 if cap is None else min(LARGE_BATCH + 5, cap)
    mixed = [_item(pool[n % len(pool)]) for n in range(size)]
    # With the cap unknown, a 400 for this batch is the server's right (S8): vouch for the
    # body only when the batch is known to fit.
    yield Probe(
        f"sandbox: a batch of {len(mixed)} mixed ids",
        ("C16", "C17", "C20"),
        _post({"items": mixed}, auth),
        Intent(
            auth="valid",
            body="valid" if cap is not None else "unknown",
            expected=expected_outcomes(sandbox, mixed),
        ),
    )
    if cap is None:
        yield SkippedProbe(
            "sandbox: batch above the cap", ("C16",), "limits.max_items is not set (S8)"
        )
    else:
        over = [_item(_reserved(ns, 1_000 + n)) for n in range(cap + 1)]
        yield valid(f"sandbox: batch of {cap + 1}, above the cap", ("C16", "C11"), over)
