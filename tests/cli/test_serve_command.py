"""``cf-conformance serve``: arguments, fault listing, and a real run with curl-like requests."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conformance.basic_auth import basic_authorization
from conformance.cli import main
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reference import FAULTS

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_list_faults_names_each_fault_and_its_clause(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--list-faults"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(FAULTS)
    for line, fault in zip(lines, FAULTS.values(), strict=True):
        assert line.split()[:2] == [fault.name, fault.clause]
        assert line.endswith(fault.description)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--host", "0.0.0.0"],
            "serve: --host '0.0.0.0' refused: use a loopback address (127.0.0.1, localhost, ::1)",
            id="non-loopback-host",
        ),
        pytest.param(
            ["--port", "70000"], "serve: --port 70000 is not a port number (0-65535)", id="port"
        ),
        pytest.param(
            ["--max-items", "0"], "serve: --max-items 0 must be at least 1", id="max-items"
        ),
        pytest.param(
            ["--latency-ms", "-5"], "serve: --latency-ms -5 must be at least 0", id="latency"
        ),
        pytest.param(
            ["--apply-delay-ms", "-1"],
            "serve: --apply-delay-ms -1 must be at least 0",
            id="apply-delay",
        ),
        pytest.param(
            ["--fault", "no-meta", "--fault", "bogus"],
            "serve: --fault: unknown fault 'bogus'; valid faults: " + ", ".join(sorted(FAULTS)),
            id="unknown-fault",
        ),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["serve", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == message
    assert captured.out == ""


@contextlib.contextmanager
def _serve(command: list[str]) -> Iterator[subprocess.Popen[str]]:
    """The command running from the repository root (where ``conformance`` imports from)."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT
    )
    with process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": basic_authorization(client_id, secret)}


@pytest.mark.socket
def test_serve_writes_files_that_work_and_prints_no_secret(tmp_path: Path) -> None:
    target, env = tmp_path / "reference.toml", tmp_path / "reference.env"
    command = [sys.executable, "-m", "conformance", "serve"]
    command += ["--write-target", str(target), "--write-env", str(env), "--max-items", "50"]
    with _serve(command) as process:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(5)]
        assert banner[0].startswith("reference API listening on http://127.0.0.1:")
        assert banner[1] == "faults: none (conforming)\n"
        assert banner[2] == f"target file: {target}\n"
        assert banner[3].startswith(f"env file: {env} (CF_WRITER_CLIENT_ID, ")
        assert banner[4] == "press Ctrl-C to stop\n"
        config = tomllib.loads(target.read_text())
        values = dict(line.split("=", 1) for line in env.read_text().splitlines())
        writer = config["auth"]["writer"]
        no_scope = config["auth"]["no_scope"]
        assert config["limits"] == {"max_items": 50}
        with httpx.Client(base_url=config["base_url"]) as client:
            ok = client.post(
                BULK_UPDATE_PATH,
                json={"items": []},
                headers=_basic(
                    values[writer["client_id_env"]], values[writer["client_secret_env"]]
                ),
            )
            anonymous = client.post(BULK_UPDATE_PATH, json={"items": []})
            scopeless = client.post(
                BULK_UPDATE_PATH,
                json={"items": []},
                headers=_basic(
                    values[no_scope["client_id_env"]], values[no_scope["client_secret_env"]]
                ),
            )
        assert ok.status_code == 200
        assert ok.json()["data"] == {"accepted": [], "forbidden": []}
        assert (anonymous.status_code, anonymous.headers["content-type"]) == (
            401,
            "application/problem+json",
        )
        assert (scopeless.status_code, scopeless.headers["content-type"]) == (
            403,
            "application/problem+json",
        )
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert out == "reference API stopped\n"
    printed = "".join(banner) + out + err
    for name, value in values.items():
        assert value not in printed, f"{name} was printed"


@pytest.mark.socket
def test_serve_announces_its_faults_and_latency_and_stops_on_sigterm(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "conformance", "serve"]
    command += ["--fault", "no-meta", "--fault", "accept-foreign", "--latency-ms", "150"]
    command += ["--apply-delay-ms", "1500"]
    with _serve(command) as process:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(6)]
        assert banner[1] == "faults: no-meta, accept-foreign\n"
        assert banner[2] == "latency: every answer leaves 150 ms after its request came in\n"
        assert banner[3] == "updates: applied 1500 ms after their answer\n"
        assert (
            banner[4] == "credentials: generated, not shown (pass --write-env FILE to use them)\n"
        )
        base_url = banner[0].removeprefix("reference API listening on ").strip()
        started = time.monotonic()
        anonymous = httpx.post(base_url + BULK_UPDATE_PATH, json={}, timeout=10)
        # A lower bound only: the answer may be later on a loaded machine, never earlier.
        assert time.monotonic() - started >= 0.15
        assert anonymous.status_code == 401
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert process.returncode == 0


def test_unwritable_target_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-dir" / "target.toml"
    assert main(["serve", "--write-target", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"serve: cannot write {missing}: No such file or directory\n"
    )
