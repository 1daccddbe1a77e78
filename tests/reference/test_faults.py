"""The fault registry: each fault changes the answer in the documented way, and only when on.

Every case runs twice, against a conforming app and against one with the fault switched on:
the observation must be false for the first and true for the second. The table must have a
row for every registered fault, so a new fault without a test fails here. A fault that never
answers cannot be observed through the in-process client (it would wait forever): those are
listed in ``NEVER_ANSWERED`` and shown in ``test_hang_fault.py`` instead. The faults under
C21 leave every answer as it was (they break what the API does): ``test_readback_faults.py``
shows each in what a read returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.reference_requests import W1, W2, auth_of, items, post_bulk

import conformance.reference as reference_package
from conformance.basic_auth import basic_authorization
from conformance.clauses import CLAUSES
from conformance.reference import FAULTS, Credentials, create_app, in_process_client

UNKNOWN = "cfct-00000000-0000-4000-8000-000000000000"
INVALID = items("INC-1001", status="Bogus")


@dataclass(frozen=True)
class Probe:
    send: Callable[[httpx.Client, Credentials], httpx.Response]
    broken: Callable[[httpx.Response], bool]


def as_writer(body: Any) -> Callable[[httpx.Client, Credentials], httpx.Response]:
    return lambda client, creds: post_bulk(client, body, headers=auth_of(creds.writer))


def anonymous(body: Any) -> Callable[[httpx.Client, Credentials], httpx.Response]:
    return lambda client, creds: post_bulk(client, body)


def two_requests(client: httpx.Client, creds: Credentials) -> httpx.Response:
    post_bulk(client, items("INC-1001"), headers=auth_of(creds.writer))
    return post_bulk(client, items("INC-1002"), headers=auth_of(creds.writer))


def body(response: httpx.Response) -> Any:
    return response.json()


def data(response: httpx.Response) -> Any:
    return response.json()["data"]


def raw_as_writer(content: bytes) -> Callable[[httpx.Client, Credentials], httpx.Response]:
    def send(client: httpx.Client, creds: Credentials) -> httpx.Response:
        headers = {**auth_of(creds.writer), "Content-Type": "application/json"}
        return post_bulk(client, content=content, headers=headers)

    return send


def until_a_crash(client: httpx.Client, creds: Credentials) -> httpx.Response:
    """The same valid request up to 30 times: the first 500, or else the last answer."""
    for _ in range(30):
        response = post_bulk(client, items("INC-1001"), headers=auth_of(creds.writer))
        if response.status_code == 500:
            break
    return response


def accepted_only(*ids: str) -> Callable[[httpx.Response], bool]:
    return lambda r: r.status_code == 200 and data(r) == {"accepted": list(ids), "forbidden": []}


OK = as_writer(items("INC-1001"))
ANON = anonymous({"items": []})
ENUMS_AS_INDICES = {
    "status": 2,
    "classification": 0,
    "classificationReason": 0,
    "incidentSource": 0,
}
TRAILING_COMMAS = b'{"items": [{"id": "INC-1001", "status": "Closed",},],}'
OVERLONG_ID = "cfct-" + "x" * 60
NON_ASCII_ID = "cfct-d\u00e9j\u00e0-vu"

PROBES: dict[str, Probe] = {
    "no-meta": Probe(OK, lambda r: "meta" not in body(r)),
    "success-as-text": Probe(OK, lambda r: r.headers["content-type"].startswith("text/plain")),
    "missing-request-id": Probe(OK, lambda r: body(r)["meta"]["requestId"] == ""),
    "local-timestamp": Probe(OK, lambda r: body(r)["meta"]["timestamp"].endswith("+02:00")),
    "naive-timestamp": Probe(
        OK, lambda r: re.search(r"\.\d{7}\Z", body(r)["meta"]["timestamp"]) is not None
    ),
    "problem-as-json": Probe(ANON, lambda r: r.headers["content-type"] == "application/json"),
    "legacy-error-envelope": Probe(
        ANON, lambda r: set(body(r)) == {"error"} and body(r)["error"]["code"] == "UNAUTHORIZED"
    ),
    "status-mismatch": Probe(ANON, lambda r: r.status_code == 401 and body(r)["status"] == 400),
    "missing-code": Probe(ANON, lambda r: "code" not in body(r)),
    "wrong-code": Probe(as_writer(INVALID), lambda r: body(r)["code"] == "NOT_FOUND"),
    "problem-without-trace": Probe(
        ANON, lambda r: "requestId" not in body(r) and "timestamp" not in body(r)
    ),
    "validation-without-errors": Probe(as_writer(INVALID), lambda r: "errors" not in body(r)),
    "errors-as-list": Probe(
        as_writer(INVALID),
        lambda r: (
            body(r)["errors"] == ["items[0].status: must be null or one of: Active, New, Closed"]
        ),
    ),
    "detail-as-list": Probe(as_writer(INVALID), lambda r: isinstance(body(r)["detail"], list)),
    "accept-unknown-enum": Probe(as_writer(INVALID), lambda r: r.status_code == 200),
    "enum-from-integer": Probe(
        as_writer(items("INC-1001", **ENUMS_AS_INDICES)), accepted_only("INC-1001")
    ),
    "enum-from-numeric-string": Probe(
        as_writer(items("INC-1001", **{k: str(v) for k, v in ENUMS_AS_INDICES.items()})),
        accepted_only("INC-1001"),
    ),
    "trailing-commas-accepted": Probe(raw_as_writer(TRAILING_COMMAS), accepted_only("INC-1001")),
    "empty-secret-accepted": Probe(
        lambda client, creds: post_bulk(
            client, {}, headers={"Authorization": basic_authorization(creds.writer.client_id, "")}
        ),
        lambda r: r.status_code == 200,
    ),
    "unauthenticated-as-403": Probe(
        ANON,
        lambda r: (
            r.status_code == 403
            and body(r)["status"] == 403
            and "www-authenticate" not in r.headers
        ),
    ),
    "validate-before-auth": Probe(anonymous(INVALID), lambda r: r.status_code == 400),
    "no-scope-accepted": Probe(
        lambda client, creds: post_bulk(client, items("INC-1001"), headers=auth_of(creds.no_scope)),
        lambda r: r.status_code == 200 and data(r)["accepted"] == ["INC-1001"],
    ),
    "500-on-null-id": Probe(
        as_writer({"items": [{"id": None}]}),
        lambda r: r.status_code == 500 and body(r)["code"] == "INTERNAL_ERROR",
    ),
    "500-on-non-object-body": Probe(
        as_writer([{"id": "INC-1001"}]), lambda r: r.status_code == 500
    ),
    "500-on-overlong-id": Probe(
        as_writer(items(OVERLONG_ID)),
        lambda r: r.status_code == 500 and body(r)["code"] == "INTERNAL_ERROR",
    ),
    "500-on-non-ascii-id": Probe(
        as_writer(items(NON_ASCII_ID)),
        lambda r: r.status_code == 500 and body(r)["code"] == "INTERNAL_ERROR",
    ),
    "500-at-random": Probe(
        until_a_crash, lambda r: r.status_code == 500 and body(r)["code"] == "INTERNAL_ERROR"
    ),
    "drop-unknown-ids": Probe(as_writer(items(UNKNOWN)), lambda r: data(r)["forbidden"] == []),
    "cap-truncates": Probe(
        as_writer({"items": [{"id": f"cfct-{n}"} for n in range(101)]}),
        lambda r: r.status_code == 200 and len(data(r)["forbidden"]) == 100,
    ),
    "duplicate-accepted": Probe(
        as_writer(items("INC-1001", "INC-1001")),
        lambda r: data(r)["accepted"] == ["INC-1001", "INC-1001"],
    ),
    "both-lists": Probe(
        as_writer(items("INC-1001", workspace=W2)),
        lambda r: (
            data(r)["accepted"] == ["INC-1001"]
            and [f["incidentId"] for f in data(r)["forbidden"]] == ["INC-1001"]
        ),
    ),
    "leak-previous-id": Probe(two_requests, lambda r: "INC-1001" in data(r)["accepted"]),
    "forbidden-wrong-workspace": Probe(
        as_writer(items("INC-1001", workspace=W2)),
        lambda r: data(r)["forbidden"][0]["workspaceId"] == W1,
    ),
    "empty-reason": Probe(
        as_writer(items("INC-3001")), lambda r: data(r)["forbidden"][0]["reason"] == ""
    ),
    "accept-foreign": Probe(
        as_writer(items("INC-3001")),
        lambda r: data(r) == {"accepted": ["INC-3001"], "forbidden": []},
    ),
    "trust-workspace-hint": Probe(
        as_writer(items("INC-3001", workspace=W1)),
        lambda r: data(r) == {"accepted": ["INC-3001"], "forbidden": []},
    ),
    "accept-unknown-id": Probe(
        as_writer(items(UNKNOWN)), lambda r: data(r)["accepted"] == [UNKNOWN]
    ),
    "ignore-workspace-hint": Probe(
        as_writer(items("INC-1001", workspace=W2)),
        lambda r: data(r) == {"accepted": ["INC-1001"], "forbidden": []},
    ),
    "blank-reason": Probe(
        as_writer(items("INC-3001")), lambda r: data(r)["forbidden"][0]["reason"] == " "
    ),
}


NEVER_ANSWERED = {"hang-on-array-body", "hang-on-unassign"}
"""Faults whose misbehaviour is the absence of an answer (see ``test_hang_fault.py``)."""
ANSWER_UNCHANGED = {name for name, fault in FAULTS.items() if fault.clause.startswith("C21")}
"""Faults in what the API does, seen only by reading back (see ``test_readback_faults.py``)."""


def clause_number(clause: str) -> int:
    """``C21a`` is a part of ``C21``."""
    return int(clause[1:].rstrip("abcdefghijklmnopqrstuvwxyz"))


def parent_clause(clause: str) -> str:
    return f"C{clause_number(clause)}"


def observe(faults: tuple[str, ...], probe: Probe) -> bool:
    app = create_app(faults=faults)
    with in_process_client(app) as client:
        return probe.broken(probe.send(client, app.state.reference.credentials))


def test_every_registered_fault_has_a_probe() -> None:
    assert sorted(PROBES) == sorted(set(FAULTS) - NEVER_ANSWERED - ANSWER_UNCHANGED)
    assert set(FAULTS) >= NEVER_ANSWERED


@pytest.mark.parametrize("name", sorted(PROBES))
def test_fault_changes_the_answer_only_when_switched_on(name: str) -> None:
    probe = PROBES[name]
    assert not observe((), probe), "the conforming app already shows the fault"
    assert observe((name,), probe), f"{name} did not change the answer as documented"


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_documented_with_its_clause(name: str) -> None:
    fault = FAULTS[name]
    assert fault.name == name
    assert re.fullmatch(r"[0-9a-z]+(-[0-9a-z]+)*", name)
    # C21's parts (C21a..C21e) are clauses of the contract whether or not the clause table
    # lists them one by one yet.
    assert re.fullmatch(r"C\d+[a-e]?", fault.clause)
    assert fault.clause in CLAUSES or parent_clause(fault.clause) in CLAUSES, (
        "the clause that must catch it is not in the contract"
    )
    assert fault.description.endswith(".")
    assert len(fault.description) > 20


def test_registry_spreads_over_every_clause_group() -> None:
    groups = {
        "envelope": range(1, 5),
        "problem details": range(5, 11),
        "status mapping": (11, 15),
        "auth": range(12, 15),
        "coverage and partition": range(16, 19),
        "sandbox authorisation": range(19, 21),
        "read-back": (21,),
        "liveness": (22,),
    }
    clauses = {clause_number(fault.clause) for fault in FAULTS.values()}
    assert len(FAULTS) >= 15
    for group, members in groups.items():
        assert clauses & set(members), f"no fault breaks a clause of the {group} group"


def test_unknown_fault_names_the_valid_ones() -> None:
    with pytest.raises(
        ValueError, match="unknown fault 'nope'; valid faults: 500-at-random, 500-on-non-ascii-id, "
    ) as e:
        create_app(faults=["no-meta", "nope"])
    assert all(name in str(e.value) for name in FAULTS)


def test_conforming_app_has_no_fault_layers() -> None:
    assert create_app().user_middleware == []
    assert create_app().state.faults == ()


def test_faults_combine() -> None:
    app = create_app(faults=["no-meta", "problem-as-json", "no-meta"])
    assert app.state.faults == ("no-meta", "problem-as-json")
    with in_process_client(app) as client:
        ok = post_bulk(client, {}, headers=auth_of(app.state.reference.credentials.writer))
        anon = post_bulk(client, {})
    assert "meta" not in ok.json()
    assert anon.headers["content-type"] == "application/json"


def test_fault_layers_keep_memory_per_app_instance() -> None:
    first, second = create_app(faults=["leak-previous-id"]), create_app(faults=["leak-previous-id"])
    with in_process_client(first) as client:
        post_bulk(
            client, items("INC-1001"), headers=auth_of(first.state.reference.credentials.writer)
        )
    with in_process_client(second) as client:
        response = post_bulk(
            client, items("INC-1002"), headers=auth_of(second.state.reference.credentials.writer)
        )
    assert response.json()["data"]["accepted"] == ["INC-1002"]


def test_a_fault_layer_passes_a_body_over_its_buffer_through() -> None:
    app = create_app(faults=["accept-unknown-enum"])
    content = b'{"pad": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    headers = {
        **auth_of(app.state.reference.credentials.writer),
        "Content-Type": "application/json",
    }
    with in_process_client(app) as client:
        response = post_bulk(client, content=content, headers=headers)
    assert response.status_code == 413


def test_the_random_fault_crashes_about_one_valid_request_in_five_and_nothing_else() -> None:
    app = create_app(faults=["500-at-random"])
    creds = app.state.reference.credentials
    with in_process_client(app) as client:
        valid = [
            post_bulk(client, items("INC-1001"), headers=auth_of(creds.writer)).status_code
            for _ in range(100)
        ]
        others = [post_bulk(client, INVALID, headers=auth_of(creds.writer)).status_code]
        others += [post_bulk(client, {}).status_code for _ in range(20)]
    assert set(valid) == {200, 500}
    assert 10 <= valid.count(500) <= 30
    assert set(others) == {400, 401}


def test_the_random_fault_draws_the_same_crashes_on_every_server() -> None:
    def statuses() -> list[int]:
        app = create_app(faults=["500-at-random"])
        headers = auth_of(app.state.reference.credentials.writer)
        with in_process_client(app) as client:
            return [
                post_bulk(client, items("INC-1001"), headers=headers).status_code for _ in range(20)
            ]

    assert statuses() == statuses()


def test_readme_lists_exactly_the_registered_faults() -> None:
    readme = Path(reference_package.__file__).with_name("README.md").read_text()
    rows = [f"| `{f.name}` | {f.clause} | {f.description} |" for f in FAULTS.values()]
    table = readme.split("| --- | --- | --- |\n")[-1]
    assert table.splitlines() == rows
