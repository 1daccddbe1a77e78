"""End-to-end runs of ``cf-conformance run`` against servers on 127.0.0.1."""

import base64
import dataclasses
import json
import socket
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.alternative_server import AlternativeServer
from support.capture import Capture

from conformance.clauses import CLAUSES
from conformance.cli import main
from conformance.cli.embedded import embedded_reference
from conformance.reference import (
    FAULTS,
    Credentials,
    ReferenceServer,
    generate_credentials,
    write_target_file,
)
from conformance.reference.target_files import env_values
from conformance.run.runner import RunOptions, execute

pytestmark = pytest.mark.socket


def test_embedded_default_run_conforms_and_writes_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = {name: tmp_path / name for name in ("r.json", "r.xml", "r.md")}
    code = main(
        [
            "run",
            "--profile", "smoke",
            "--seed", "7",
            "--report-json", str(reports["r.json"]),
            "--junit-xml", str(reports["r.xml"]),
            "--report-md", str(reports["r.md"]),
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "running against the embedded reference API" in out
    assert "seed 7" in out
    for clause in ("C1 ", "C11", "C17", "C20", "C22"):
        assert any(line.startswith(clause) and " PASS " in line for line in out.splitlines())
    # The embedded target file configures the read-back: C21 is judged, with its reads.
    c21 = next(line for line in out.splitlines() if line.startswith("C21 "))
    assert " PASS " in c21, out
    assert "reads judged" in out
    report = json.loads(reports["r.json"].read_text())
    assert {"target", "profile", "seed", "passed", "clauses", "triage", "findings"} <= set(report)
    assert report["passed"] is True
    assert report["seed"] == 7
    assert [clause["clause"] for clause in report["clauses"]] == list(CLAUSES)
    suite = ET.parse(reports["r.xml"]).getroot().find("testsuite")
    assert suite is not None
    assert len(suite.findall("testcase")) == len(CLAUSES)
    assert suite.get("failures") == "0"
    assert "**CONFORMING**" in reports["r.md"].read_text()


@pytest.mark.parametrize("fault", sorted(FAULTS), ids=str)
def test_every_reference_fault_is_caught_and_named(fault: str, tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    # Its clause only: the other clauses pass on the reference, and a clause outside C21 leaves
    # the read-back phase out.
    options = RunOptions(
        profile="smoke",
        seed=11,
        max_examples=25,
        report_json=report_path,
        only=frozenset({FAULTS[fault].clause}),
    )
    out = Capture()
    # A short timeout without retries: each request a fault leaves unanswered costs one.
    embedded = embedded_reference((fault,), timeout_seconds=2.0, retries=0)
    assert execute(options, out=out, embedded=embedded) == 1, out.text
    report = json.loads(report_path.read_text())
    clauses = {failure["clause"] for failure in report["findings"]}
    assert FAULTS[fault].clause in clauses, (FAULTS[fault].clause, clauses)


def test_an_independent_conforming_server_passes(tmp_path: Path) -> None:
    with AlternativeServer() as server:
        target = tmp_path / "alt.toml"
        target.write_text(server.target_toml())
        out = Capture()
        options = RunOptions(target=target, profile="smoke", seed=5)
        assert execute(options, out=out, environ=server.environ()) == 0, out.text


PLANTED = "PLANTED-SECRET-7f3a9c"


def _planted_credentials() -> Credentials:
    generated = generate_credentials()
    return Credentials(
        writer=dataclasses.replace(generated.writer, secret=f"{PLANTED}-writer"),
        no_scope=dataclasses.replace(generated.no_scope, secret=f"{PLANTED}-reader"),
    )


def test_no_planted_secret_reaches_any_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A run that fails on purpose (so failure records, curl reproducers and every report are
    # written), with credentials from the environment as in nightly CI.
    credentials = _planted_credentials()
    server = ReferenceServer(faults=("problem-as-json",), credentials=credentials)
    with server:
        target = tmp_path / "t.toml"
        write_target_file(target, server)
        for name, value in env_values(server).items():
            monkeypatch.setenv(name, value)
        reports = [tmp_path / "r.json", tmp_path / "r.md", tmp_path / "r.xml"]
        code = main(
            [
                "run", "--target", str(target), "--profile", "smoke", "--seed", "3",
                "--report-json", str(reports[0]), "--report-md", str(reports[1]),
                "--junit-xml", str(reports[2]),
            ]
        )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1
    assert "Basic [REDACTED]" in captured.out
    encoded = [
        base64.b64encode(f"{a.client_id}:{a.secret}".encode()).decode()
        for a in credentials.accounts
    ]
    for text in [captured.out, captured.err, *(path.read_text() for path in reports)]:
        assert PLANTED not in text
        for value in encoded:
            assert value not in text


def test_an_internal_error_is_reported_without_the_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = _planted_credentials()

    def explode(*args: object) -> None:
        raise RuntimeError(f"header was Basic {credentials.writer.secret}")

    monkeypatch.setattr("conformance.run.phase_order.run_probes", explode)
    monkeypatch.setattr("conformance.reference.server.generate_credentials", lambda: credentials)
    assert main(["run", "--profile", "smoke"]) == 3
    err = capsys.readouterr().err
    assert "RuntimeError: header was Basic [REDACTED]" in err
    assert "aborted by an internal error (RuntimeError)" in err
    assert PLANTED not in err


def test_dry_run_sends_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _Listener() as listener:
        target = _target_file(tmp_path, f"http://127.0.0.1:{listener.port}")
        code = main(["run", "--target", str(target), "--dry-run", "--seed", "1"])
        assert code == 0
        assert listener.connections() == 0
    out = capsys.readouterr().out
    assert "dry run: nothing is sent" in out
    assert "auth: wrong secret" in out
    assert "Authorization" in out
    assert "s3cret-value" not in out


def test_production_host_is_refused_before_anything_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def no_connect(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_connect)
    monkeypatch.setattr(socket.socket, "connect", no_connect)
    target = _target_file(tmp_path, "https://portal.contraforce.com")
    assert main(["run", "--target", str(target)]) == 2
    err = capsys.readouterr().err
    assert "looks like production: portal.contraforce.com is the production portal" in err
    assert "--allow-production" in err
    assert attempts == []


def test_allow_production_needs_a_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _target_file(tmp_path, "https://prod.platform.contraforce.com", sandbox=False)
    assert main(["run", "--target", str(target), "--allow-production"]) == 2
    assert "--allow-production needs a non-empty [sandbox]" in capsys.readouterr().err


def test_unreachable_target_exits_3_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    target = _target_file(tmp_path, "http://127.0.0.1:9")
    started = time.monotonic()
    assert main(["run", "--target", str(target), "--report-json", str(report)]) == 3
    assert time.monotonic() - started < 30
    assert "127.0.0.1 is unreachable at preflight (ConnectError" in capsys.readouterr().out
    assert json.loads(report.read_text())["aborted"].startswith("127.0.0.1 is unreachable")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("base_url = 3\n", "t.toml: base_url: must be a string", id="broken-base-url"),
        pytest.param(
            'base_url = "https://s.example.com"\n[auth.writer]\nclient_id_env = "NOPE_ID"\n'
            'client_secret_env = "NOPE_SECRET"\n',
            "environment variable NOPE_ID is not set (export NOPE_ID=... before the run)",
            id="missing-variable",
        ),
    ],
)
def test_configuration_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    target = tmp_path / "t.toml"
    target.write_text(text)
    assert main(["run", "--target", str(target)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_reference_fault_with_a_target_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _target_file(tmp_path, "http://127.0.0.1:9")
    assert main(["run", "--target", str(target), "--reference-fault", "problem-as-json"]) == 2
    assert capsys.readouterr().err == (
        "cf-conformance run: --reference-fault applies to the embedded reference API only\n"
    )


def test_an_unknown_reference_fault_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--reference-fault", "no-such-fault"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cf-conformance run: unknown fault 'no-such-fault'; valid faults: ")


def test_without_a_target_or_an_embedded_one_nothing_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert execute(RunOptions(), out=Capture()) == 2
    assert capsys.readouterr().err == "cf-conformance run: no target: pass --target FILE\n"


def test_only_limits_the_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--profile", "smoke", "--max-examples", "3", "--only", "c11,C17"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("C11") and " PASS " in line for line in lines)
    assert any(line.startswith("C5 ") and "not in --only" in line for line in lines)


def test_unknown_clause_in_only_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(["run", "--only", "C99"])
    assert excinfo.value.code == 2
    assert "unknown clause id(s) C99" in capsys.readouterr().err


# -- helpers ----------------------------------------------------------------------------------


def _target_file(tmp_path: Path, base_url: str, *, sandbox: bool = True) -> Path:
    text = (
        f'base_url = "{base_url}"\n[auth.writer]\nclient_id_env = "T_ID"\n'
        'client_secret_env = "T_SECRET"\n'
    )
    if sandbox:
        text += '[sandbox]\nwritable = [{ id = "INC-1", workspace = "w1" }]\n'
    path = tmp_path / "target.toml"
    path.write_text(text)
    pytest.MonkeyPatch().context()
    import os

    os.environ.setdefault("T_ID", "client-id")
    os.environ.setdefault("T_SECRET", "s3cret-value")
    return path


class _Listener:
    """A bare TCP listener that counts connection attempts (for 'nothing was sent')."""

    def __enter__(self) -> "_Listener":
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        return self

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def test_markdown_summary_is_appended_to_github_step_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["run", "--profile", "smoke", "--max-examples", "2", "--seed", "9"]) == 0
    text = summary.read_text()
    assert text.startswith("# earlier step\n")
    assert "## ContraForce conformance: reference" in text
    assert "| C17 | accepted and forbidden partition the requested ids | ✅ passed |" in text
    assert "`cf-conformance run --profile smoke --seed 9 --concurrency 4 --max-examples 2`" in text


@pytest.mark.parametrize("concurrency", [0, 33])
def test_a_concurrency_out_of_range_is_refused_before_anything_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], concurrency: int
) -> None:
    target = _target_file(tmp_path, "http://127.0.0.1:9")
    with pytest.raises(SystemExit) as refused:
        main(["run", "--target", str(target), "--concurrency", str(concurrency)])
    assert refused.value.code == 2
    assert f"must be between 1 and 32, got {concurrency}" in capsys.readouterr().err
    out = Capture()
    options = RunOptions(target=target, concurrency=concurrency)
    assert execute(options, out=out, environ={"T_ID": "id", "T_SECRET": "secret"}) == 2
    assert f"--concurrency must be between 1 and 32, got {concurrency}" in capsys.readouterr().err


# -- the run's time budget --------------------------------------------------------------------


def test_a_run_whose_budget_runs_out_mid_phase_writes_every_report_and_exits_4(
    tmp_path: Path,
) -> None:
    """The array probe is held longer than the budget: the run is cut during the probes.

    The budget leaves the other probes ample time on a loaded machine (loading schemathesis
    alongside takes seconds); the held probe would wait out its 60 s timeout."""
    reports = {name: tmp_path / name for name in ("r.json", "r.md", "r.xml")}
    options = RunOptions(
        profile="default",
        seed=5,
        max_run_seconds=20,
        report_json=reports["r.json"],
        report_md=reports["r.md"],
        junit_xml=reports["r.xml"],
    )
    out = Capture()
    embedded = embedded_reference(("hang-on-array-body",), timeout_seconds=60.0, retries=0)
    assert execute(options, out=out, embedded=embedded) == 4, out.text
    report = json.loads(reports["r.json"].read_text())
    assert report["cut_short"] == (
        "the time budget of 20 s ran out: cut short during probes; not run: valid bulk updates, "
        "invalid bulk updates, no id leaks across requests, fuzz (positive), fuzz (negative), "
        "read-back, replay"
    )
    assert (report["passed"], report["aborted"]) == (False, None)
    # The probe cut by the deadline was not left unanswered by the target: no C22 finding.
    assert report["findings"] == []
    assert any(clause["status"] == "passed" for clause in report["clauses"])
    assert "CUT SHORT (partial): the time budget of 20 s ran out" in out.text
    assert "**CUT SHORT (partial)**: the time budget of 20 s ran out" in reports["r.md"].read_text()
    suite = ET.parse(reports["r.xml"]).getroot().find("testsuite")
    assert suite is not None
    [error] = [case.find("error") for case in suite if case.get("name") == "run completed"]
    assert error is not None
    assert error.get("message", "").startswith("the time budget of 20 s ran out")


@pytest.mark.parametrize("seconds", ["0", "0.5", "-3", "soon"])
def test_a_run_budget_out_of_range_is_refused_before_anything_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seconds: str
) -> None:
    target = _target_file(tmp_path, "http://127.0.0.1:9")
    with pytest.raises(SystemExit) as refused:
        main(["run", "--target", str(target), "--max-run-seconds", seconds])
    assert refused.value.code == 2
    assert "--max-run-seconds" in capsys.readouterr().err


def test_a_run_budget_out_of_range_in_the_options_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _target_file(tmp_path, "http://127.0.0.1:9")
    options = RunOptions(target=target, max_run_seconds=0.5)
    assert execute(options, out=Capture(), environ={"T_ID": "id", "T_SECRET": "secret"}) == 2
    assert capsys.readouterr().err == (
        "cf-conformance run: --max-run-seconds must be a number of seconds >= 1, got 0.5 "
        "(e.g. --max-run-seconds 600)\n"
    )
