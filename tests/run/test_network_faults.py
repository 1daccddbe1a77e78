"""The run against a flaky network: throttling, slowness, drops and a server that dies."""

import json
from pathlib import Path

import pytest
from support.capture import Capture
from support.faulty_proxy import FaultyProxy

from conformance.reference import ReferenceServer, env_values, write_target_file
from conformance.run.liveness import LIVENESS_CHECKS
from conformance.run.probes import plan_probes
from conformance.run.runner import RunOptions, execute
from conformance.run.target import load_target

pytestmark = pytest.mark.socket


def _run(
    tmp_path: Path,
    server: ReferenceServer,
    proxy: FaultyProxy,
    limits: str = "",
    *,
    profile: str = "smoke",
    max_examples: int = 5,
) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    target = tmp_path / "target.toml"
    write_target_file(target, server)
    text = target.read_text().replace(server.base_url, proxy.base_url)
    target.write_text(text.replace("[limits]", f"[limits]\n{limits}"))
    report = tmp_path / "report.json"
    out = Capture()
    options = RunOptions(
        target=target, profile=profile, seed=4, max_examples=max_examples, report_json=report
    )
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
    assert [f["check"] for f in report["findings"]] == ["max_429_share"]
    assert "Too many requests were throttled" in out


def test_a_slow_response_beyond_the_timeout_is_a_c22_finding_not_retried(
    tmp_path: Path,
) -> None:
    """The target answered the liveness check meanwhile: the request is not retried. Replayed
    once, it is answered: the finding is flaky."""
    with (
        ReferenceServer() as server,
        # Timeout and delay far enough apart that only the planned request can time out,
        # even on a loaded CI machine. Request 6 is a probe: the liveness check and the
        # checks of the three credentials go first.
        FaultyProxy(server.base_url, plan={6: "slow"}, slow_seconds=3.0) as proxy,
    ):
        code, report, out = _run(tmp_path, server, proxy, "timeout_seconds = 1.5")
    assert code == 1, out
    assert report["stats"]["retried_network"] == 0
    [finding] = report["findings"]
    assert (finding["clause"], finding["replay"]) == (
        "C22",
        {"attempts": 1, "reproduced": False, "note": ""},
    )


def _unassigns(body: bytes) -> bool:
    return b'"removeAssignee": true' in body


def test_an_answer_late_but_in_time_is_no_finding_and_holds_up_no_other_request(
    tmp_path: Path,
) -> None:
    with (
        ReferenceServer() as server,
        FaultyProxy(server.base_url, slow_when=_unassigns, slow_seconds=1.0) as proxy,
    ):
        # Enough examples for several Hypothesis runs side by side (``share_out``).
        limits = "timeout_seconds = 5\nretries = 0"
        code, report, out = _run(tmp_path, server, proxy, limits, max_examples=50)
        slow, answered = list(proxy.slow), list(proxy.answered_at)
    assert code == 0, out
    assert slow, "no request was slowed down"
    assert report["findings"] == []
    assert report["stats"]["skipped_requests"] == 0
    # Four in flight: while a request waits for its late answer, the others keep going.
    overlapping = [(start, end) for start, end in slow if any(start < at < end for at in answered)]
    assert overlapping, "every late answer held up the whole run"


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


def _is_json_array(body: bytes) -> bool:
    return body.lstrip().startswith(b"[")


# A timeout short enough to keep the run quick, long enough for a loaded machine to answer
# every other request in time; no retries, so each unanswered request costs one timeout.
SHORT_TIMEOUT = "timeout_seconds = 1.5\nretries = 0"
# Retries do not change that: they are for a target that is down, not one that hangs.
SHORT_TIMEOUT_WITH_RETRIES = "timeout_seconds = 1.5\nretries = 2"


@pytest.mark.slow
def test_a_request_shape_never_answered_is_a_c22_finding_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    with (
        ReferenceServer() as server,
        FaultyProxy(server.base_url, hang_when=_is_json_array) as proxy,
    ):
        # The default profile: properties and fuzzing, too, run on past unanswered requests.
        code, report, out = _run(
            tmp_path, server, proxy, SHORT_TIMEOUT_WITH_RETRIES, profile="default", max_examples=20
        )
        held = list(proxy.held)
    assert code == 1, out
    assert report["aborted"] is None
    assert report["stats"]["retried_network"] == 0
    assert held, "no request was held"
    clauses = {clause["clause"]: clause for clause in report["clauses"]}
    c22 = [failure for failure in report["findings"] if failure["clause"] == "C22"]
    # After the run, each C22 finding is replayed: held again at once, so reproduced.
    assert {(f["replay"]["attempts"], f["replay"]["reproduced"]) for f in c22} == {(1, True)}
    assert (clauses["C22"]["status"], clauses["C22"]["failures"]) == (
        "failed",
        len(held) - len(c22),
    )
    # Every other clause was judged on the answers that came (the read-back, C21, is judged
    # over time and left to its own tests).
    judged = {c: r["status"] for c, r in clauses.items() if not c.startswith(("C21", "C22"))}
    assert set(judged.values()) == {"passed"}, judged
    assert {failure["clause"] for failure in report["findings"]} == {"C22"}
    # One defect (a JSON array is never answered), whichever kind of request met it; its
    # example is the smallest such request.
    [finding] = c22
    kinds = [kind["kind"] for kind in finding["kinds"]]
    assert "probe: malformed: body is a JSON array" in kinds, kinds
    assert finding["variant"] == "no answer to a POST with a JSON array"
    assert finding["check"] == "liveness_conformance"
    assert finding["message"].startswith("[C22] Request got no answer\nReceived: no HTTP answer")
    assert finding["curl"].startswith(f"curl -sS -X POST {proxy.base_url}")
    sent = {body.decode() for _, body in held}
    assert finding["curl"].split("--data-binary ")[1].strip("'") in sent
    assert c22[0]["response"] == {}


def test_a_hang_during_the_probes_costs_no_other_probe(tmp_path: Path) -> None:
    with (
        ReferenceServer() as server,
        FaultyProxy(server.base_url, hang_when=_is_json_array) as proxy,
    ):
        target_file = tmp_path / "target.toml"
        _run(tmp_path, server, proxy, SHORT_TIMEOUT)
        target = load_target(target_file, env_values(server))
        bodies = [body for _, body in (*proxy.held, *proxy.forwarded)]
    probes, _ = plan_probes(target, seed=4)
    missing = [probe.name for probe in probes if (probe.request.content or b"") not in bodies]
    assert missing == []


@pytest.mark.parametrize("concurrency", [1, 4], ids=["one-in-flight", "four-in-flight"])
def test_a_target_that_stops_answering_mid_run_gives_exit_3_and_a_partial_report(
    tmp_path: Path, concurrency: int
) -> None:
    limits = f"{SHORT_TIMEOUT}\nconcurrency = {concurrency}"
    with ReferenceServer() as server, FaultyProxy(server.base_url, hang_after=20) as proxy:
        code, report, out = _run(tmp_path, server, proxy, limits)
        held = len(proxy.held)
    assert code == 3, out
    assert report["aborted"] == (
        "127.0.0.1 is unreachable: a request went unanswered, then 3 liveness checks in a row "
        "did too (ReadTimeout: timed out)"
    )
    # The requests in flight when the target went silent, then one round of liveness checks:
    # the other unanswered requests learn that the target is gone without asking again.
    assert held == concurrency + LIVENESS_CHECKS
    assert report["stats"]["requests"] == 20 + held
    assert not any(failure["clause"] == "C22" for failure in report["findings"])
    assert any(clause["status"] == "passed" for clause in report["clauses"])
    assert "ABORTED (partial)" in out
