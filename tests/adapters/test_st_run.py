"""The README's ``st run`` command, run exactly as printed, against the reference API.

Only the values the README tells the user to replace (the URL and ``CLIENT_ID:SECRET``) are
filled in; everything else, the hooks variable included, is taken from README.md as it
stands, so the command a user copies is the command tested.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.reference import FAULTS, ReferenceServer

ROOT = Path(__file__).resolve().parents[2]
ST = Path(sys.executable).with_name("st")
URL_PLACEHOLDER = "https://staging.example.com"
AUTH_PLACEHOLDER = "CLIENT_ID:SECRET"
ASSIGNMENT = re.compile(r"[A-Z_][A-Z0-9_]*=")
FUZZ_ATTEMPTS = 3


def readme_st_run() -> str:
    """The one console block of README.md that runs ``st run``, continuation lines joined."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", readme, flags=re.DOTALL)
    commands = [block for block in blocks if re.search(r"(^|\s)st run\s", block)]
    assert len(commands) == 1, f"expected one `st run` block in README.md, found {commands}"
    return commands[0].replace("\\\n", " ").strip()


def as_process(command: str, *, url: str, auth: str) -> tuple[dict[str, str], list[str]]:
    """The environment and argv a shell would build from ``command``, placeholders filled."""
    for placeholder in (URL_PLACEHOLDER, AUTH_PLACEHOLDER):
        assert command.count(placeholder) == 1, f"README's command lost {placeholder}: {command}"
    words = shlex.split(command.replace(URL_PLACEHOLDER, url).replace(AUTH_PLACEHOLDER, auth))
    assignments = {}
    while words and ASSIGNMENT.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        assignments[name] = value
    assert words[:2] == ["st", "run"], command
    return assignments, [str(ST), *words[1:]]


def run_readme_command(server: ReferenceServer) -> subprocess.CompletedProcess[str]:
    writer = server.credentials.writer
    assignments, argv = as_process(
        readme_st_run(), url=server.base_url, auth=f"{writer.client_id}:{writer.secret}"
    )
    # Nothing of the caller's schemathesis settings leaks in; the README's own variables do.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHEMATHESIS_", "CF_"))}
    env.update(assignments, NO_COLOR="1")
    # From the repository root, as the README says: the command names spec/openapi.yaml.
    return subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def failure_lines(stdout: str) -> list[str]:
    """The summary's ``Failures:`` list: one line per kind of failure found."""
    summary = stdout.split("Failures:\n", 1)
    if len(summary) == 1:
        return []
    return [line.strip() for line in summary[1].split("\n\n", 1)[0].splitlines()]


@pytest.fixture
def conforming() -> Iterator[ReferenceServer]:
    with ReferenceServer() as server:
        yield server


def test_the_readme_names_the_hooks_module_and_the_placeholders() -> None:
    assignments, argv = as_process(readme_st_run(), url="http://127.0.0.1:1", auth="id:secret")
    assert assignments == {"SCHEMATHESIS_HOOKS": "conformance.adapters.st_run"}
    assert argv[1:] == [
        "run",
        "spec/openapi.yaml",
        "--url",
        "http://127.0.0.1:1",
        "--auth",
        "id:secret",
    ]


def test_loading_the_module_installs_every_part() -> None:
    # In a fresh interpreter: loading it changes schemathesis's global registries.
    probe = (
        "import conformance.adapters.st_run as m\n"
        "from schemathesis.checks import CHECKS\n"
        "names = set(CHECKS.get_all_names())\n"
        "print(m.schemathesis_hooks.is_installed(), m.positive_data.is_installed(),\n"
        "      set(m.schemathesis_checks.registered_names()) <= names)\n"
        "print(sorted(m.__all__))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CF_")}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.splitlines() == [
        "True True True",
        "['positive_data', 'schemathesis_checks', 'schemathesis_hooks']",
    ]


@pytest.mark.socket
@pytest.mark.slow
def test_a_conforming_server_passes(conforming: ReferenceServer) -> None:
    result = run_readme_command(conforming)
    assert (result.returncode, failure_lines(result.stdout)) == (0, []), result.stdout[-4000:]
    assert "No issues found" in result.stdout


@pytest.mark.socket
@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "title"),
    [
        pytest.param(
            "forbidden-wrong-workspace",
            "[C19] Forbidden entry names a different workspace",
            id="wrong-workspace",
        ),
        pytest.param("empty-reason", "[C19] Forbidden entry has no reason", id="empty-reason"),
        pytest.param("blank-reason", "[C19] Forbidden entry has no reason", id="blank-reason"),
    ],
)
def test_a_c19_fault_is_reported_under_c19(fault: str, title: str) -> None:
    assert FAULTS[fault].clause == "C19"
    with ReferenceServer(faults=[fault]) as server:
        # The command draws a fresh seed each time, and a random search can miss a fault
        # that needs a hinted id; a false alarm never depends on luck, a detection may.
        for _attempt in range(FUZZ_ATTEMPTS):
            result = run_readme_command(server)
            if result.returncode != 0:
                break
    assert result.returncode == 1, result.stdout[-4000:]
    # Only the fault's clause: no "Schema-valid request rejected" in front of it (S1).
    assert failure_lines(result.stdout) == [
        "❌ ST901 Custom check failed: `cf_forbidden_entry_conformance`: 1"
    ], result.stdout[-4000:]
    assert title in [line.strip() for line in result.stdout.splitlines()]
