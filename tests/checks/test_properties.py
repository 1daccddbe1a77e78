"""Property tests: conforming outcomes pass, each mutation fails the right way, nothing crashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st
from support.exchange_builders import FakeResponse, bulk, exchange, request, response, success_body

from conformance.checks import (
    NO_BODY,
    CheckContext,
    Exchange,
    Intent,
    NotJson,
    iter_failures,
    timestamp_conformance,
)
from conformance.checks.outcome_reading import id_key
from conformance.sandbox import Incident, Sandbox, expected_outcomes

SANDBOX = Sandbox(
    writable=(Incident("inc-1", "ws-1"), Incident("inc-2", "ws-2")),
    foreign=(Incident("inc-9", "ws-9"),),
)
# A small alphabet makes duplicate ids in a request likely, and ids that differ only in
# padding or case (which a server may answer in either form) too.
ids = st.one_of(
    st.sampled_from(["inc-1", "inc-2", "inc-9", "", " ", "x", "X", " x"]), st.text(max_size=6)
)
# A blank hint names no workspace (C19).
workspaces = st.one_of(st.none(), st.sampled_from(["ws-1", "ws-2", "ws-9", "ws-x", "", "  "]))
items = st.lists(st.fixed_dictionaries({"id": ids}, optional={"workspace": workspaces}), max_size=8)


@st.composite
def conforming(draw: st.DrawFn) -> dict[str, Any]:
    """A request, and a 200 whose outcome is a random partition of its ids (per the sandbox)."""
    request_items = draw(items)
    expected = expected_outcomes(SANDBOX, request_items)
    accepted: list[str] = []
    forbidden: list[dict[str, Any]] = []
    for incident_id, outcome in expected.items():
        chosen = outcome or draw(st.sampled_from(["accepted", "forbidden"]))
        if chosen == "accepted":
            accepted.append(incident_id)
        else:
            entry = forbidden_entry({"items": request_items}, incident_id)
            if entry["workspaceId"] is None:
                entry["workspaceId"] = draw(workspaces)  # not named: any workspace will do
            forbidden.append(entry)
    accepted = draw(st.permutations(accepted))
    forbidden = draw(st.permutations(forbidden))
    return {
        "items": request_items,
        "expected": expected,
        "accepted": None if not accepted and draw(st.booleans()) else accepted,
        "forbidden": None if not forbidden and draw(st.booleans()) else forbidden,
    }


def forbidden_entry(case: dict[str, Any], incident_id: str) -> dict[str, Any]:
    """A conforming forbidden entry: it echoes a workspace the request named for the id (C19)."""
    named = [
        i["workspace"]
        for i in case["items"]
        if i["id"] == incident_id and (i.get("workspace") or "").strip()
    ]
    return {
        "incidentId": incident_id,
        "workspaceId": named[0] if named else None,
        "reason": "NoRole",
    }


def build(case: dict[str, Any]) -> Exchange:
    body = success_body(case["accepted"], case["forbidden"])
    intent = Intent(
        body="valid", expected=case["expected"] if case.get("sandboxed", True) else None
    )
    return exchange(response(200, body, "application/json"), bulk(*case["items"]), intent)


def failures(case: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.check, f.title) for f in iter_failures(build(case), context=CheckContext())]


def answers(case: dict[str, Any]) -> list[str]:
    forbidden = [entry["incidentId"] for entry in case["forbidden"] or []]
    return [*(case["accepted"] or []), *forbidden]


def distinct_keys(case: dict[str, Any]) -> bool:
    """No two requested ids are the same once normalised (each answer has one id of its own)."""
    return len({id_key(i) for i in case["expected"]}) == len(case["expected"])


@given(conforming())
def test_a_conforming_outcome_passes_every_check(case: dict[str, Any]) -> None:
    assert failures(case) == []


@given(conforming(), st.data())
def test_dropping_an_id_fails_coverage(case: dict[str, Any], data: st.DataObject) -> None:
    assume(answers(case))
    # Every answer in the victim's normalised form goes: a trimmed or re-cased one would
    # still answer it.
    victim = id_key(data.draw(st.sampled_from(answers(case))))
    case["accepted"] = [i for i in case["accepted"] or [] if id_key(i) != victim]
    case["forbidden"] = [e for e in case["forbidden"] or [] if id_key(e["incidentId"]) != victim]
    assert failures(case) == [("outcome_coverage_conformance", "Requested id not answered")]


@given(conforming(), st.data())
def test_duplicating_an_id_fails_partition_as_twice(
    case: dict[str, Any], data: st.DataObject
) -> None:
    assume(answers(case) and distinct_keys(case))
    lists = [name for name in ("accepted", "forbidden") if case[name]]
    name = data.draw(st.sampled_from(lists))
    copy = data.draw(st.sampled_from(case[name]))
    case[name] = [*case[name], copy]
    assert failures(case) == [("outcome_partition_conformance", "Id answered twice")]


@given(conforming(), st.text(max_size=6), st.booleans())
def test_an_id_never_requested_fails_partition_as_a_leak(
    case: dict[str, Any], stranger: str, to_accepted: bool
) -> None:
    assume(id_key(stranger) not in {id_key(i) for i in case["expected"]})
    if to_accepted:
        case["accepted"] = [*(case["accepted"] or []), stranger]
    else:
        case["forbidden"] = [forbidden_entry(case, stranger), *(case["forbidden"] or [])]
    assert failures(case) == [
        (
            "outcome_partition_conformance",
            "Answered an id that was never requested: cross-request leak (security failure)",
        )
    ]


@given(conforming(), st.data())
def test_an_id_in_both_lists_fails_partition(case: dict[str, Any], data: st.DataObject) -> None:
    assume(answers(case))
    # Answering an id both ways also answers it the way C20 forbids; leave C20 out here.
    case["sandboxed"] = False
    victim = data.draw(st.sampled_from(answers(case)))
    if victim in (case["accepted"] or []):
        case["forbidden"] = [*(case["forbidden"] or []), forbidden_entry(case, victim)]
    else:
        case["accepted"] = [victim, *(case["accepted"] or [])]
    assert failures(case) == [
        ("outcome_partition_conformance", "Id in both accepted and forbidden")
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)
envelope_like = st.fixed_dictionaries(
    {},
    optional={
        "data": st.fixed_dictionaries(
            {}, optional={"accepted": json_values, "forbidden": st.lists(json_values) | json_values}
        ),
        "meta": json_values,
        "status": json_values,
        "code": json_values,
        "errors": json_values,
        "requestId": json_values,
        "timestamp": json_values,
    },
)


@given(
    status=st.integers(100, 599),
    body=st.one_of(envelope_like, json_values, st.binary(max_size=20)),
    content_type=st.one_of(
        st.none(), st.sampled_from(["application/json", "application/problem+json", "text/plain"])
    ),
    request_body=st.one_of(
        st.just(NO_BODY),
        st.builds(NotJson, st.binary()),
        json_values,
        items.map(lambda xs: bulk(*xs)),
    ),
    intent=st.builds(
        Intent,
        auth=st.sampled_from(["valid", "missing", "invalid", "no_scope"]),
        body=st.sampled_from(["valid", "invalid", "unknown"]),
        expected=st.none() | st.dictionaries(ids, st.sampled_from(["accepted", "forbidden", None])),
    ),
)
def test_no_check_crashes_on_arbitrary_input(
    status: int, body: object, content_type: str | None, request_body: Any, intent: Intent
) -> None:
    raw = body if isinstance(body, bytes) else None
    resp = response(status, raw if raw is not None else body, content_type)
    sent = Exchange(request(request_body), resp, intent)
    for failure in iter_failures(sent, context=CheckContext()):
        assert str(failure).count("\n") >= 3


instants = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1))


@given(
    instants,
    st.integers(0, 7),
    st.sampled_from(["T", "t", " "]),
    st.sampled_from(["Z", "z", "+00:00", "-00:00"]),
)
def test_utc_timestamps_with_up_to_seven_digits_pass(
    instant: datetime, digits: int, separator: str, suffix: str
) -> None:
    fraction = f".{instant.microsecond:06d}0"[: digits + 1] if digits else ""
    stamp = instant.strftime(f"%Y-%m-%d{separator}%H:%M:%S") + fraction + suffix
    timestamp_conformance(_with_timestamp(stamp), CheckContext())


@given(instants, st.integers(-23 * 60, 23 * 60).filter(bool).map(lambda m: timedelta(minutes=m)))
def test_any_other_offset_fails(instant: datetime, offset: timedelta) -> None:
    stamp = (
        instant.replace(tzinfo=UTC).astimezone(__import__("datetime").timezone(offset)).isoformat()
    )
    failure = next(iter_failures(_with_timestamp(stamp), context=CheckContext(), only={"C3"}))
    assert failure.title == "Timestamp is not in UTC"


def _with_timestamp(stamp: str) -> Exchange:
    body = success_body(meta={"requestId": "r", "timestamp": stamp})
    return exchange(
        FakeResponse(
            200, {"Content-Type": "application/json"}, __import__("json").dumps(body).encode()
        )
    )
