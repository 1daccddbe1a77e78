"""The reference API in its own process: ``python -m conformance serve``, as a staging stand-in.

In-process, the server's CPU time and its share of the GIL are part of every figure. Against a
remote staging API they are not the suite's. Serving from a child process gives the server its
own interpreter (and, on a machine with two or more cores, its own core), so the same three
throughput figures then measure the client side only.

The child writes a target file and an env file; the benchmark waits for the banner's last line,
which ``serve`` prints after both files are complete, then until the server answers over HTTP.
It is stopped with SIGTERM (``serve`` handles it like Ctrl-C), and killed only if it does not
exit in time, also when the measurements fail.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from conformance.run.target import Target, load_target

__all__ = [
    "READY_LINE",
    "ServeError",
    "ServedReference",
    "parse_env_file",
    "separate_reference",
    "serve_command",
    "stop_process",
]

READY_LINE = "press Ctrl-C to stop"
"""The last line of ``serve``'s banner, flushed after the target and env files are written."""

STARTUP_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
_POLL_SECONDS = 0.05


class ServeError(RuntimeError):
    """``serve`` exited or stayed silent before it was ready; the message carries its output."""


@dataclass
class ServedReference:
    target: Target
    command: list[str]
    pid: int
    target_file: Path
    """The target file ``serve`` wrote; it exists while the server runs."""
    environ: dict[str, str]
    """The credentials ``serve`` wrote, as the environment a run reads the target file with."""
    exit_code: int | None = field(default=None)
    """Set once the child is stopped: 0 after a clean SIGTERM shutdown."""


def serve_command(
    python: str, target_file: Path, env_file: Path, *, latency_ms: int = 0
) -> list[str]:
    command = [
        python,
        "-m",
        "conformance",
        "serve",
        "--port",
        "0",
        "--write-target",
        str(target_file),
        "--write-env",
        str(env_file),
    ]
    if latency_ms:
        command += ["--latency-ms", str(latency_ms)]
    return command


def parse_env_file(text: str) -> dict[str, str]:
    """``NAME=value`` lines, as ``serve --write-env`` writes them; blanks and ``#`` are skipped."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, equals, value = stripped.partition("=")
        if not equals or not name:
            raise ValueError(f"env file line {number} is not NAME=value")
        values[name] = value
    return values


@contextmanager
def separate_reference(
    *,
    python: str = sys.executable,
    startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
    latency_ms: int = 0,
) -> Iterator[ServedReference]:
    """Start ``serve`` in a child process, yield its target, and stop it on the way out.

    ``latency_ms`` makes each answer leave that long after its request came in
    (``serve --latency-ms``), as a distant server's would.
    """
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder:
        root = Path(folder)
        target_file, env_file = root / "target.toml", root / "reference.env"
        stdout_file, stderr_file = root / "stdout.txt", root / "stderr.txt"
        command = serve_command(python, target_file, env_file, latency_ms=latency_ms)
        # Files, not pipes: nobody reads a pipe while the benchmark runs, and a full one would
        # block the server.
        with stdout_file.open("wb") as stdout, stderr_file.open("wb") as stderr:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr
            )
        served: ServedReference | None = None
        try:
            _wait_for_banner(process, stdout_file, stderr_file, startup_timeout)
            environ = parse_env_file(env_file.read_text(encoding="utf-8"))
            target = load_target(target_file, environ=environ)
            _wait_until_answering(target.base_url, process, stderr_file, startup_timeout)
            served = ServedReference(
                target=target,
                command=command,
                pid=process.pid,
                target_file=target_file,
                environ=environ,
            )
            yield served
        finally:
            exit_code = stop_process(process)
            if served is not None:
                served.exit_code = exit_code


def stop_process(process: subprocess.Popen[bytes], *, timeout: float = STOP_TIMEOUT_SECONDS) -> int:
    """SIGTERM, then SIGKILL if it is still running after ``timeout`` seconds; its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


def _wait_for_banner(
    process: subprocess.Popen[bytes], stdout_file: Path, stderr_file: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while READY_LINE not in stdout_file.read_text(encoding="utf-8", errors="replace"):
        if process.poll() is not None:
            raise ServeError(
                f"serve exited with {process.returncode} before it was ready: "
                + _tail(stderr_file, stdout_file)
            )
        if time.monotonic() > deadline:
            raise ServeError(
                f"serve printed no {READY_LINE!r} within {timeout:.0f} s: "
                + _tail(stderr_file, stdout_file)
            )
        time.sleep(_POLL_SECONDS)


def _wait_until_answering(
    base_url: str, process: subprocess.Popen[bytes], stderr_file: Path, timeout: float
) -> None:
    """Any HTTP answer will do: the listening socket is what the measurements need."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base_url, timeout=2.0) as client:
        while True:
            try:
                client.get("/")
                return
            except httpx.TransportError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise ServeError(
                        f"serve at {base_url} never answered ({exc}): " + _tail(stderr_file)
                    ) from exc
            time.sleep(_POLL_SECONDS)


def _tail(*files: Path, characters: int = 2000) -> str:
    texts = []
    for file in files:
        text = file.read_text(encoding="utf-8", errors="replace").strip() if file.exists() else ""
        if text:
            texts.append(text[-characters:])
    return " | ".join(texts) or "(no output)"
