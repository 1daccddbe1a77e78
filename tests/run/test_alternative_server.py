"""The independent conforming server, with every ASP.NET Core default switched on, passes.

Each variant is a legitimate reading of the contract (docs/contract.md), so a failure here is
the suite being stricter than the contract. One ``default`` run is part of the tests; the
``nightly`` profile over five seeds is opt-in (``pytest --nightly -m nightly``) because it
takes minutes.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from support.alternative_server import AlternativeServer, Variants

from conformance.checks import CheckContext, Exchange, Intent, Request, iter_failures
from conformance.checks.timestamps import classify_timestamp
from conformance.clauses import sub_clause_ids
from conformance.openapi import BULK_UPDATE_PATH
from conformance.run.runner import RunOptions, execute

pytestmark = pytest.mark.socket


def _run(server: AlternativeServer, tmp_path: Path, profile: str, seed: int) -> dict[str, object]:
    target = tmp_path / "alt.toml"
    target.write_text(server.target_toml())
    report = tmp_path / f"report-{seed}.json"
    out = io.StringIO()
    options = RunOptions(target=target, profile=profile, seed=seed, report_json=report)
    code = execute(options, out=out, environ=server.environ())
    # The run's own output is the only account of a run that ended before writing its report.
    assert report.exists(), out.getvalue()
    result: dict[str, object] = json.loads(report.read_text())
    assert (code, result["findings"]) == (0, []), out.getvalue()
    return result


def test_every_variant_passes_the_default_profile(tmp_path: Path) -> None:
    with AlternativeServer(variants=Variants.every()) as server:
        report = _run(server, tmp_path, "default", seed=1)
    statuses = {c["clause"]: c["status"] for c in report["clauses"]}  # type: ignore[attr-defined]
    # Only the read-back may be skipped: the server's target file may not configure it.
    assert {c for c, s in statuses.items() if s == "skipped"} <= {"C21", *sub_clause_ids("C21")}


@pytest.mark.nightly
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_every_variant_passes_the_nightly_profile(tmp_path: Path, seed: int) -> None:
    with AlternativeServer(variants=Variants.every()) as server:
        _run(server, tmp_path, "nightly", seed=seed)


# Each switch really changes what the server answers: a flag that did nothing would make the
# runs above prove nothing about it.


def _post(server: AlternativeServer, body: object, path: str = BULK_UPDATE_PATH) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.writer_token}"}
    return httpx.post(server.base_url + path, json=body, headers=headers)


def _items(*items: dict[str, str]) -> dict[str, object]:
    return {"items": list(items)}


def _answer(variant: str, body: object, path: str = BULK_UPDATE_PATH) -> tuple[httpx.Response, ...]:
    answers = []
    for variants in (Variants(), Variants(**{variant: True})):
        with AlternativeServer(variants=variants) as server:
            answers.append(_post(server, body, path))
    return tuple(answers)


def test_charset() -> None:
    for body in (_items({"id": "A-1"}), {"items": 1}):
        off, on = _answer("charset", body)
        assert (off.headers["content-type"], on.headers["content-type"]) == (
            off.headers["content-type"],
            off.headers["content-type"] + "; charset=utf-8",
        )


def test_dotnet_request_ids() -> None:
    off, on = _answer("dotnet_request_ids", _items({"id": "A-1"}))
    assert off.json()["meta"]["requestId"].startswith("req-")
    assert len(on.json()["meta"]["requestId"]) == 36  # a GUID
    off, on = _answer("dotnet_request_ids", {"items": 1})
    assert on.json()["requestId"].startswith("0HN")
    assert on.json()["requestId"].split(":")[1].isalnum()


def test_about_blank() -> None:
    off, on = _answer("about_blank", {"items": 1})
    assert (off.json()["type"].startswith("https://"), on.json()["type"]) == (True, "about:blank")


def test_framework_errors() -> None:
    with AlternativeServer(variants=Variants(framework_errors=True)) as server:
        wrong_method = httpx.get(server.base_url + BULK_UPDATE_PATH)
        unknown_path = httpx.post(server.base_url + "/api/v2/nothing-here", json={})
    assert (wrong_method.status_code, wrong_method.headers["allow"]) == (405, "POST")
    assert wrong_method.json()["type"] == "https://tools.ietf.org/html/rfc9110#section-15.5.6"
    assert (unknown_path.status_code, unknown_path.json()["status"]) == (404, 404)
    for answer in (wrong_method, unknown_path):
        exchange = Exchange(Request("GET", str(answer.request.url)), answer, Intent(auth="valid"))
        assert [str(f) for f in iter_failures(exchange, context=CheckContext())] == []


def test_any_order() -> None:
    ids = [f"cfct-{n:02d}" for n in range(12)]
    off, on = _answer("any_order", {"items": [{"id": i} for i in ids]})
    forbidden = [[e["incidentId"] for e in r.json()["data"]["forbidden"]] for r in (off, on)]
    assert forbidden[0] == ids
    assert sorted(forbidden[1]) == ids
    assert forbidden[1] != ids


def test_blank_hint_is_none() -> None:
    body = _items({"id": "A-1", "workspace": " "}, {"id": "G-1", "workspace": ""})
    off, on = _answer("blank_hint_is_none", body)
    assert off.json()["data"]["accepted"] is None
    assert on.json()["data"]["accepted"] == ["A-1"]
    assert on.json()["data"]["forbidden"][0]["workspaceId"] == "ws-gamma"


def test_blank_ids_not_found() -> None:
    off, on = _answer("blank_ids_not_found", _items({"id": "A-1"}, {"id": "  "}))
    assert (off.status_code, on.status_code) == (400, 200)
    assert on.json()["data"]["forbidden"][0]["incidentId"] == "  "


def test_trims_ids() -> None:
    off, on = _answer("trims_ids", _items({"id": "cfct-x  "}))
    ids = [r.json()["data"]["forbidden"][0]["incidentId"] for r in (off, on)]
    assert ids == ["cfct-x  ", "cfct-x"]


def test_batch_cap() -> None:
    off, on = _answer("batch_cap", {"items": [{"id": f"cfct-{n}"} for n in range(51)]})
    assert (off.status_code, on.status_code) == (200, 400)
    assert on.json()["code"] == "VALIDATION_ERROR"
    assert "max_items = 50" in AlternativeServer(variants=Variants(batch_cap=True)).target_toml()
    assert "max_items" not in AlternativeServer().target_toml()


def test_dotnet_timestamps() -> None:
    off, on = _answer("dotnet_timestamps", _items({"id": "A-1"}))
    stamps = [r.json()["meta"]["timestamp"] for r in (off, on)]
    assert stamps[0].endswith("Z")
    assert stamps[1].endswith("+00:00")
    assert len(stamps[1].split(".")[1]) == len("1234567+00:00")
    assert [classify_timestamp(s) for s in stamps] == ["utc", "utc"]


def test_json_path_error_keys() -> None:
    off, on = _answer("json_path_error_keys", _items({"id": "A-1", "status": "Foo"}))
    assert (list(off.json()["errors"]), list(on.json()["errors"])) == (
        ["items[0].status"],
        ["$.items[0].status"],
    )


def test_every_variant_has_its_test() -> None:
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert set(Variants.names()) <= tested
