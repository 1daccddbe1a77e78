"""The plugin as a team uses it: ``pytest examples/`` and ``pytest --cf-run`` in a fresh process.

Against the embedded reference API and against target files written by ``cf-conformance
serve``, conforming or with faults switched on: the examples pass, or fail naming the
fault's clause, and no secret from the target's environment reaches pytest's output.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.pytest_process import run_pytest

from conformance.basic_auth import basic_authorization
from conformance.clauses import CLAUSES
from conformance.reference import FAULTS

pytestmark = [pytest.mark.socket, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FOREIGN_HINT = "test_foreign_incident_hint.py"
MIXED_BATCHES = "test_mixed_batches.py"
EMPTY_SECRET = "test_empty_secret.py"
# The two faults of the first served target touch different examples; the third has its own.
HINT_AND_SECRET_FAULTS = ("forbidden-wrong-workspace", "empty-secret-accepted")
FOREIGN_FAULT = ("accept-foreign",)


@dataclass(frozen=True)
class Served:
    """A ``cf-conformance serve`` process: its target file and the environment it needs."""

    target: Path
    environ: dict[str, str]

    @property
    def secrets(self) -> list[str]:
        """Every value of the environment, and the Basic tokens built from them."""
        ids = [v for k, v in self.environ.items() if k.endswith("_CLIENT_ID")]
        secrets = [v for k, v in self.environ.items() if k.endswith("_SECRET")]
        headers = [basic_authorization(i, s) for i in ids for s in secrets]
        return secrets + [header.removeprefix("Basic ") for header in headers]


@contextlib.contextmanager
def _serving(folder: Path, faults: tuple[str, ...]) -> Iterator[subprocess.Popen[str]]:
    folder.mkdir()
    command = [sys.executable, "-m", "conformance", "serve"]
    command += ["--write-target", "target.toml", "--write-env", "target.env"]
    for fault in faults:
        command += ["--fault", fault]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, ...], Served]]:
    """Three servers, started together: conforming, and two with faults."""
    root = tmp_path_factory.mktemp("served")
    fault_sets = [(), HINT_AND_SECRET_FAULTS, FOREIGN_FAULT]
    with contextlib.ExitStack() as stack:
        processes = {
            faults: stack.enter_context(_serving(root / ("-".join(faults) or "conforming"), faults))
            for faults in fault_sets
        }
        result = {}
        for faults, process in processes.items():
            assert process.stdout is not None
            banner = ""
            while not banner.endswith("press Ctrl-C to stop\n"):
                line = process.stdout.readline()
                assert line, f"serve {faults} ended early: {process.communicate()}"
                banner += line
            folder = root / ("-".join(faults) or "conforming")
            env_lines = (folder / "target.env").read_text().splitlines()
            result[faults] = Served(
                folder / "target.toml", dict(line.split("=", 1) for line in env_lines)
            )
        yield result


def _examples(*names: str) -> list[str]:
    return [str(EXAMPLES / name) for name in names] or [str(EXAMPLES)]


def _failed(output: str) -> dict[str, str]:
    """``FAILED path::test - message`` lines of the short summary, by test file."""
    failed = {}
    for line in output.splitlines():
        if line.startswith("FAILED "):
            node, _, message = line.removeprefix("FAILED ").partition(" - ")
            failed[Path(node.split("::")[0]).name] = message
    return failed


def _assert_no_secret(served: Served, result: subprocess.CompletedProcess[str]) -> None:
    printed = result.stdout + result.stderr
    for secret in served.secrets:
        assert secret not in printed


def test_the_faults_chosen_belong_to_the_clauses_asserted() -> None:
    assert [FAULTS[name].clause for name in (*HINT_AND_SECRET_FAULTS, *FOREIGN_FAULT)] == [
        "C19",
        "C12",
        "C20",
    ]


def test_the_examples_and_the_clause_items_pass_against_the_embedded_reference_api(
    tmp_path: Path,
) -> None:
    junit = tmp_path / "junit.xml"
    result = run_pytest(
        *_examples(),
        "--cf-run",
        "--cf-profile",
        "smoke",
        "--hypothesis-seed=1",
        f"--junitxml={junit}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    # 3 examples, 27 clauses (C21 with its five parts) and the run as a whole: the embedded
    # reference configures the read-back, so C21 is judged too.
    assert "31 passed" in result.stdout.splitlines()[-1]
    cases = {
        (case.get("classname"), case.get("name")): [child.tag for child in case]
        for case in ET.parse(junit).getroot().iter("testcase")
    }
    clause_cases = {name: tags for (cls, name), tags in cases.items() if cls == "cf-conformance"}
    assert set(clause_cases) == set(CLAUSES) | {"run"}
    assert "skipped" not in clause_cases["C21"]
    assert all("failure" not in tags and "error" not in tags for tags in cases.values())
    assert re.search(r"^=+ cf-conformance run =+$", result.stdout, re.MULTILINE)
    assert ": CONFORMING" in result.stdout
    assert "to the embedded reference API (http://127.0.0.1:" in result.stdout


def test_the_examples_pass_against_a_target_file_from_serve(
    served: dict[tuple[str, ...], Served], tmp_path: Path
) -> None:
    server = served[()]
    result = run_pytest(
        *_examples(), "-vv", "--cf-target", str(server.target), cwd=tmp_path, environ=server.environ
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert " 3 passed in " in result.stdout.splitlines()[-1]
    assert "requests to target reference (http://127.0.0.1:" in result.stdout
    _assert_no_secret(server, result)


@pytest.mark.parametrize(
    ("faults", "examples", "expected"),
    [
        pytest.param(
            HINT_AND_SECRET_FAULTS,
            (FOREIGN_HINT, EMPTY_SECRET),
            {
                FOREIGN_HINT: "[C19] Forbidden entry names a different workspace",
                EMPTY_SECRET: "[C12] Request with invalid credentials was accepted",
            },
            id="hint-and-empty-secret",
        ),
        pytest.param(
            FOREIGN_FAULT,
            (MIXED_BATCHES,),
            {
                MIXED_BATCHES: "[C20] Incident the credential may not update was accepted "
                "(authorisation bypass)"
            },
            id="accepted-foreign-incident",
        ),
    ],
)
def test_the_examples_fail_naming_the_clause_of_the_fault_and_print_no_secret(
    served: dict[tuple[str, ...], Served],
    tmp_path: Path,
    faults: tuple[str, ...],
    examples: tuple[str, ...],
    expected: dict[str, str],
) -> None:
    server = served[faults]
    # -vv, --showlocals and long tracebacks: everything pytest can print about a failure.
    result = run_pytest(
        *_examples(*examples),
        "-vv",
        "--showlocals",
        "--tb=long",
        "--hypothesis-seed=1",
        "--cf-target",
        str(server.target),
        cwd=tmp_path,
        environ=server.environ,
    )
    assert result.returncode == 1, result.stdout[-4000:]
    failed = _failed(result.stdout)
    assert {name: message.splitlines()[0] for name, message in failed.items()} == {
        name: f"conformance.pytest_plugin.check.ExchangeFailure: {title}"
        for name, title in expected.items()
    }
    assert "-H 'Authorization: Basic [REDACTED]'" in result.stdout
    _assert_no_secret(server, result)


def test_the_clause_items_fail_for_the_faults_clauses_only(
    served: dict[tuple[str, ...], Served], tmp_path: Path
) -> None:
    server = served[HINT_AND_SECRET_FAULTS]
    junit = tmp_path / "junit.xml"
    result = run_pytest(
        "--cf-run",
        "--cf-profile",
        "smoke",
        "--cf-seed",
        "7",
        "-m",
        "C12 or C19 or C20",
        "-vv",
        f"--junitxml={junit}",
        "--cf-target",
        str(server.target),
        cwd=tmp_path,
        environ=server.environ,
    )
    assert result.returncode == 1, result.stdout[-4000:]
    verdicts = {
        case.get("name"): [child.tag for child in case if child.tag != "properties"]
        for case in ET.parse(junit).getroot().iter("testcase")
    }
    assert verdicts == {"C12": ["failure"], "C19": ["failure"], "C20": []}
    # Shown relative to the working directory, which is not pytest's rootdir here.
    assert re.search(r"^FAILED \S*cf-conformance::C12 - \[C12\] ", result.stdout, re.MULTILINE)
    assert "collected 28 items / 25 deselected / 3 selected" in result.stdout
    assert "\n[C19] forbidden entries carry incidentId, reason and workspace: " in result.stdout
    assert "C1      SKIP         0     0" in result.stdout  # not selected, so not checked
    assert "re-run: pytest --cf-run --cf-target" in result.stdout
    _assert_no_secret(server, result)


def test_a_broken_target_file_stops_the_session_with_one_line(tmp_path: Path) -> None:
    result = run_pytest(*_examples(), "--cf-target", "missing.toml", cwd=tmp_path)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.strip().splitlines() == [
        "ERROR: cf-conformance: missing.toml: no such file (pass an existing --cf-target FILE)"
    ]
    assert "Traceback" not in result.stdout
    assert " passed" not in result.stdout


def test_an_unreachable_target_leaves_every_clause_unjudged(tmp_path: Path) -> None:
    target = tmp_path / "gone.toml"
    target.write_text(
        # Port 9 (discard) on loopback: nothing listens, so every connection is refused.
        'base_url = "http://127.0.0.1:9"\n'
        '[auth.writer]\nclient_id_env = "GONE_ID"\nclient_secret_env = "GONE_SECRET"\n'
        "[limits]\nretries = 0\n",
        encoding="utf-8",
    )
    junit = tmp_path / "junit.xml"
    result = run_pytest(
        "--cf-run",
        "--cf-profile",
        "smoke",
        f"--junitxml={junit}",
        "--cf-target",
        str(target),
        cwd=tmp_path,
        environ={"GONE_ID": "someone", "GONE_SECRET": "planted-secret-0007"},
    )
    assert result.returncode == 1, result.stdout[-4000:]
    verdicts = {
        case.get("name"): [child.tag for child in case if child.tag != "properties"]
        for case in ET.parse(junit).getroot().iter("testcase")
    }
    assert verdicts.pop("run") == ["failure"]
    assert set(verdicts) == set(CLAUSES)
    assert all(tags == ["error"] for tags in verdicts.values())
    assert "C20 was not judged: the run was aborted (127.0.0.1 is unreachable" in result.stdout
    assert ": ABORTED (partial): 127.0.0.1 is unreachable" in result.stdout
    assert "planted-secret-0007" not in result.stdout + result.stderr
