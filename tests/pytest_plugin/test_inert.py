"""The plugin does nothing in a session that uses none of its options or fixtures.

pytest loads it in every session (``pytest11``), the suite's own included, so such a session
must collect, run and print exactly what it would without the plugin, load nothing heavy and
start no server.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from support.pytest_process import run_pytest

PLAIN_TESTS = """
import pytest


@pytest.fixture
def number():
    return 3


def test_a_fixture(number):
    assert number == 3


@pytest.mark.parametrize("value", [1, 2])
def test_a_table(value):
    assert value
"""

# Records, at the end of the session, what the session loaded and which threads it left.
PROBE = """
import json
import sys
import threading


def pytest_sessionfinish(session):
    heavy = ("conformance", "uvicorn", "starlette", "strategies")
    state = {
        "modules": sorted(name for name in sys.modules if name.split(".")[0] in heavy),
        "threads": sorted(thread.name for thread in threading.enumerate()),
    }
    with open("probe.json", "w") as stream:
        json.dump(state, stream)
"""


def test_the_plugin_is_registered_for_pytest() -> None:
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins["cf_conformance"] == "conformance.pytest_plugin.plugin"


def _comparable(output: str) -> list[str]:
    """The output without what differs from run to run or names the plugins installed."""
    lines = [line for line in output.splitlines() if not line.startswith("plugins: ")]
    return [re.sub(r" in \d+\.\d+s", " in Ns", line) for line in lines]


@pytest.mark.slow
def test_a_session_without_options_or_fixtures_is_unchanged(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text(PLAIN_TESTS, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(PROBE, encoding="utf-8")
    with_plugin = run_pytest("-v", "-rA", cwd=tmp_path)
    state = json.loads((tmp_path / "probe.json").read_text(encoding="utf-8"))
    without_plugin = run_pytest("-v", "-rA", "-p", "no:cf_conformance", cwd=tmp_path)
    assert with_plugin.returncode == without_plugin.returncode == 0
    [plugins] = [x for x in with_plugin.stdout.splitlines() if x.startswith("plugins: ")]
    assert "contraforce-conformance-" in plugins
    assert _comparable(with_plugin.stdout) == _comparable(without_plugin.stdout)
    assert with_plugin.stderr == without_plugin.stderr == ""
    # Only the plugin module itself: no run layer, no checks, no reference API, no strategies.
    assert state["modules"] == [
        "conformance",
        "conformance.pytest_plugin",
        "conformance.pytest_plugin.plugin",
    ]
    assert "reference-api" not in state["threads"]


def test_this_session_has_the_plugin_loaded_and_idle(pytestconfig: pytest.Config) -> None:
    # The suite's own tests are such a session: the plugin is there, and nothing opened it.
    from conformance.pytest_plugin.plugin import SESSION_KEY

    assert pytestconfig.pluginmanager.hasplugin("cf_conformance")
    assert pytestconfig.getoption("cf_target") is None
    assert pytestconfig.getoption("cf_run") is False
    assert SESSION_KEY not in pytestconfig.stash
