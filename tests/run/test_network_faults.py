"""The run against a flaky network: throttling, slowness, drops and a server that dies."""

import json
from pathlib import Path

import pytest
from support.faulty_proxy import FaultyProxy
from test_runner import _Capture

from conformance.reference import ReferenceServer, env_values, write_target_file
from conformance.run.runner import RunOptions, execute

pytestmark = pytest.mark.socket


def _run(
    tmp_path: Path, server: ReferenceServer, proxy: FaultyProxy, limits: str = ""
) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    target = tmp_path / "target.toml"
    write_target_file(target, server)
    text = target.read_text().replace(server.base_url, proxy.base_url)
    target.write_text(text.replace("[limits]", f"[limits]\n{limits}"))
    report = tmp_path / "report.json"
    out = _Capture()
    options = RunOptions(target=target, profile="smoke", seed=4, max_examples=5, report_json=report)
    code = execute(options, out=out, environ=env_values(server))
    return code, json.loads(report.read_text()), out.text


def test_429_with_retry_after_is_waited_for_and_counted(tmp_path: Path) -> None:
    with (
        ReferenceServer() as server,
        FaultyProxy(server.base_url, plan={3: "429", 4: "429"}) as proxy,
    ):
        code, report, out = _run(tmp_path, server, proxy, "retries = 2\nmax_429_share = 0.5")
    assert code == 0, out
    assert report["stats"]["retried_429"] == 2
    assert proxy.faults_served == [(3, "429"), (4, "429")]


def test_retry_after_as_an_http_date(tmp_path: Path) -> None:
    plan = {2: "429"}
    date = "Wed, 21 Oct 2015 07:28:00 GMT"  # in the past: retry at once
    with (
        ReferenceServer() as server,
        FaultyProxy(server.base_url, plan=plan, retry_after=date) as proxy,
    ):
        code, report, out = _run(tmp_path, server, proxy, "max_429_share = 0.5")
    assert code == 0, out
    assert report["stats"]["retried_429"] == 1


def test_too_many_429s_fail_the_run(tmp_path: Path) -> None:
    plan = dict.fromkeys(range(2, 12), "429")
    with (
        ReferenceServer() as server,
        FaultyProxy(server.base_url, plan=plan, retry_after="0") as proxy,
    ):
        code, report, out = _run(tmp_path, server, proxy, "max_429_share = 0.01")
    assert code == 1
    assert [f["check"] for f in report["failures"]] == ["max_429_share"]
    assert "Too many requests were throttled" in out


def test_a_slow_response_beyond_the_timeout_is_retried(tmp_path: Path) -> None:
    with (
        ReferenceServer() as server,
        # Timeout and delay far enough apart that only the planned request can time out,
        # even on a loaded CI machine.
        FaultyProxy(server.base_url, plan={3: "slow"}, slow_seconds=3.0) as proxy,
    ):
        code, report, out = _run(tmp_path, server, proxy, "timeout_seconds = 1.5")
    assert code == 0, out
    assert report["stats"]["retried_network"] == 1


def test_a_dropped_connection_is_retried(tmp_path: Path) -> None:
    with ReferenceServer() as server, FaultyProxy(server.base_url, plan={5: "drop"}) as proxy:
        code, report, out = _run(tmp_path, server, proxy)
    assert code == 0, out
    assert report["stats"]["retried_network"] == 1


def test_a_server_dying_mid_run_gives_exit_3_and_a_partial_report(tmp_path: Path) -> None:
    with ReferenceServer() as server, FaultyProxy(server.base_url, die_after=20) as proxy:
        code, report, out = _run(tmp_path, server, proxy)
    assert code == 3, out
    assert report["passed"] is False
    assert "is unreachable" in report["aborted"]
    assert report["stats"]["requests"] >= 20
    assert any(clause["status"] == "passed" for clause in report["clauses"])
    assert "ABORTED (partial)" in out
