"""Starting and stopping ``serve`` in a child process, without ever opening a socket."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.separate_process import (
    ServeError,
    parse_env_file,
    separate_reference,
    serve_command,
    stop_process,
)


def test_the_command_is_serve_on_a_free_port_writing_both_files() -> None:
    command = serve_command("/usr/bin/python3", Path("/tmp/t.toml"), Path("/tmp/e.env"))
    assert command == [
        "/usr/bin/python3",
        "-m",
        "conformance",
        "serve",
        "--port",
        "0",
        "--write-target",
        "/tmp/t.toml",
        "--write-env",
        "/tmp/e.env",
    ]


def test_a_latency_is_passed_on_to_serve() -> None:
    command = serve_command(
        "/usr/bin/python3", Path("/tmp/t.toml"), Path("/tmp/e.env"), latency_ms=50
    )
    assert command[-2:] == ["--latency-ms", "50"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "CF_WRITER_CLIENT_ID=abc\nCF_WRITER_CLIENT_SECRET=0f9e\n",
            {"CF_WRITER_CLIENT_ID": "abc", "CF_WRITER_CLIENT_SECRET": "0f9e"},
            id="as-serve-writes-it",
        ),
        pytest.param("\n# note\n  A=1  \n\n", {"A": "1"}, id="blanks-and-comments"),
        pytest.param("A=b=c\n", {"A": "b=c"}, id="value-with-equals"),
        pytest.param("A=\n", {"A": ""}, id="empty-value"),
        pytest.param("", {}, id="empty-file"),
    ],
)
def test_env_file_lines(text: str, expected: dict[str, str]) -> None:
    assert parse_env_file(text) == expected


@pytest.mark.parametrize("line", ["JUSTANAME", "=value"], ids=["no-equals", "no-name"])
def test_a_line_that_is_not_name_equals_value_is_an_error(line: str) -> None:
    with pytest.raises(ValueError, match=r"^env file line 2 is not NAME=value$"):
        parse_env_file(f"A=1\n{line}\n")


def child(code: str) -> subprocess.Popen[bytes]:
    """A Python child that prints ``ready`` once ``code`` has run, so no signal comes early."""
    process = subprocess.Popen(
        [sys.executable, "-c", f"{code}\nprint('ready', flush=True)\nimport time\ntime.sleep(30)"],
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    return process


def test_a_running_child_is_stopped_with_sigterm() -> None:
    with child("pass") as process:
        assert stop_process(process) == -signal.SIGTERM


def test_a_child_that_ignores_sigterm_is_killed_after_the_timeout() -> None:
    with child("import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)") as process:
        assert stop_process(process, timeout=0.2) == -signal.SIGKILL


def test_a_child_that_already_exited_keeps_its_exit_code() -> None:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    assert stop_process(process) == 3


def test_a_server_that_exits_before_its_banner_is_reported_with_its_output(
    tmp_path: Path,
) -> None:
    # Stands in for the interpreter: ``serve_command`` puts it first, so it gets serve's args.
    fake_python = tmp_path / "python"
    fake_python.write_text("#!/bin/sh\necho 'serve: --port 0 refused' >&2\nexit 2\n")
    fake_python.chmod(0o755)
    with (
        pytest.raises(ServeError, match=r"^serve exited with 2 before it was ready: ") as raised,
        separate_reference(python=str(fake_python)),
    ):
        pass
    assert str(raised.value).endswith("serve: --port 0 refused")


def test_a_silent_server_times_out_and_is_stopped(tmp_path: Path) -> None:
    fake_python = tmp_path / "python"
    fake_python.write_text("#!/bin/sh\necho starting\nexec sleep 30\n")
    fake_python.chmod(0o755)
    with (
        pytest.raises(
            ServeError, match=r"^serve printed no 'press Ctrl-C to stop' within 0 s: starting$"
        ),
        separate_reference(python=str(fake_python), startup_timeout=0.3),
    ):
        pass
