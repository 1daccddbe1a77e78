"""Deterministic probes: a few requests per clause, so a broken clause shows up in seconds.

Each probe is a planned request plus the intent behind it; the checks decide the verdict.
Probes that need something the target file does not provide are skipped with the reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import strategies
from conformance.basic_auth import basic_authorization
from conformance.checks import AuthIntent, Intent
from conformance.run.probe_requests import (
    LARGE_BATCH,
    PROBE_COMMENT,
    Probe,
    SkippedProbe,
    probe_id,
    probe_item,
    probe_post,
)
from conformance.run.sandbox_probes import sandbox_probes
from conformance.run.target import Target
from conformance.sandbox import expected_outcomes
from strategies.lenient_text import DEVIATIONS, render_lenient

__all__ = ["LARGE_BATCH", "Probe", "SkippedProbe", "plan_probes"]


def plan_probes(target: Target, *, seed: int) -> tuple[list[Probe], list[SkippedProbe]]:
    namespace = uuid.UUID(int=seed % (1 << 128))
    entries = [
        *_auth_probes(target, namespace),
        *_malformed_body_probes(target, namespace),
        *_lenient_binder_probes(target, namespace),
        *sandbox_probes(target, namespace),
        *_id_shape_probes(target, namespace),
    ]
    probes = [entry for entry in entries if isinstance(entry, Probe)]
    skipped = [entry for entry in entries if isinstance(entry, SkippedProbe)]
    return probes, skipped


def _auth_probes(target: Target, ns: uuid.UUID) -> Iterator[Probe | SkippedProbe]:
    body = {"items": [probe_item(probe_id(ns, 0))]}
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
            f"auth: {label}", ("C12",), probe_post(body, header), Intent(auth=auth, body="valid")
        )
    yield Probe(
        "auth: unauthenticated with an invalid body",
        ("C12", "C13"),
        probe_post({"items": "not-a-list"}, None),
        Intent(auth="missing", body="invalid"),
    )
    yield Probe(
        "auth: wrong secret with a body that is not JSON",
        ("C12", "C13"),
        probe_post(
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
            probe_post(body, target.no_scope.authorization()),
            Intent(auth="no_scope", body="valid"),
        )


def _malformed_body_probes(target: Target, ns: uuid.UUID) -> Iterator[Probe]:
    auth = target.writer.authorization()
    some_id = probe_id(ns, 1)
    cases: list[tuple[str, Any, bytes | None, str | None]] = [
        ("body is not JSON", None, b'{"items": [', None),
        ("body is a JSON array", [{"id": some_id}], None, None),
        ("body is a JSON string", "items", None, None),
        ("items of the wrong type", {"items": {"id": some_id}}, None, "items"),
        (
            "unknown enum value",
            {"items": [probe_item(some_id, status="Closed ")]},
            None,
            "items[0].status",
        ),
        (
            "enum value in the wrong case",
            {"items": [probe_item(some_id, status="closed")]},
            None,
            "items[0].status",
        ),
        (
            "unknown incidentSource",
            {"items": [probe_item(some_id, incidentSource="Elastic")]},
            None,
            "items[0].incidentSource",
        ),
        ("null id (S1)", {"items": [{"id": None, "comment": PROBE_COMMENT}]}, None, "items[0].id"),
        ("missing id", {"items": [{"comment": PROBE_COMMENT}]}, None, "items[0].id"),
        ("id of the wrong type", {"items": [{"id": [some_id]}]}, None, "items[0].id"),
        (
            "removeAssignee not a boolean",
            {"items": [probe_item(some_id, removeAssignee="yes")]},
            None,
            "items[0].removeAssignee",
        ),
        ("comment a number", {"items": [probe_item(some_id, comment=5)]}, None, "items[0].comment"),
        (
            "comment an object",
            {"items": [probe_item(some_id, comment={"text": PROBE_COMMENT})]},
            None,
            "items[0].comment",
        ),
        ("item not an object", {"items": [some_id]}, None, "items[0]"),
    ]
    for label, body, content, path in cases:
        yield Probe(
            f"malformed: {label}",
            ("C11", "C9"),
            probe_post(body, auth, content=content),
            Intent(auth="valid", body="invalid", violation_path=path),
        )


def _lenient_binder_probes(target: Target, ns: uuid.UUID) -> Iterator[Probe]:
    """C11: what a lenient binder lets through still gets a 400.

    Every enum field of the item (read from the spec) with a member's index as an integer
    and as a numeric string, which .NET's JsonStringEnumConverter binds by default; a
    boolean as the string "true"; and a valid body written as only a lenient parser reads it.
    """
    auth = target.writer.authorization()
    some_id = probe_id(ns, 2)
    cases: list[tuple[str, Any, bytes | None, str]] = []
    for field, members in strategies.item_enum_fields().items():
        index = len(members) - 1
        for shown, value in ((f"{index}", index), (f'"{index}"', str(index))):
            label = f"{field} as the member index {shown} ({members[index]})"
            cases.append((label, {"items": [{**probe_item(some_id), field: value}]}, None, field))
    cases.append(
        (
            'removeAssignee as the string "true"',
            {"items": [probe_item(some_id, removeAssignee="true")]},
            None,
            "removeAssignee",
        )
    )
    valid_body = {"items": [probe_item(some_id)]}
    for deviation in DEVIATIONS:
        text = render_lenient(valid_body, deviation)
        if text is not None:
            cases.append((f"body with {deviation}", None, text.encode("utf-8"), ""))
    for label, body, content, field in cases:
        yield Probe(
            f"lenient binder: {label}",
            ("C11",),
            probe_post(body, auth, content=content),
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
    base = probe_id(ns, 300)
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
        items = [probe_item(incident_id)]
        yield Probe(
            f"id shape: {label}",
            ("C15", "C16", "C20"),
            probe_post({"items": items}, auth),
            Intent(auth="valid", body="unknown", expected=expected_outcomes(sandbox, items)),
        )
