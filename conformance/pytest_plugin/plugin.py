"""The pytest entry point (``pytest11``): the ``--cf-*`` options, the hooks and the fixtures.

The plugin is inert in a session that uses none of its options or fixtures: this module
imports only pytest and the standard library, and its hooks do nothing unless an option was
given or a collected test asks for a ``cf_*`` fixture. Only then is the target file loaded
(a broken one stops the session with one line, before any test runs), and the embedded
reference API starts only when a test first needs the target.

The fixtures are session-scoped: one target, one client (so the rate limit and the write
budget hold across tests) and one reference server per session. Hypothesis's
``function_scoped_fixture`` health check therefore never fires for them in ``@given`` tests.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conformance.pytest_plugin.check import ContractCheck
    from conformance.pytest_plugin.clause_items import ConformanceRun
    from conformance.pytest_plugin.client import ContractClient
    from conformance.pytest_plugin.sandbox_ids import SandboxIds
    from conformance.pytest_plugin.session import ContractSession
    from conformance.run import Target

__all__ = [
    "FIXTURES",
    "PROFILE_NAMES",
    "cf_check",
    "cf_client",
    "cf_sandbox",
    "cf_target",
    "pytest_addoption",
    "pytest_collection_finish",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_terminal_summary",
]

FIXTURES = frozenset({"cf_target", "cf_client", "cf_sandbox", "cf_check"})
# The run profiles (conformance.run.PROFILES), named here so that loading the plugin does
# not load the run layer; a test pins the two lists together.
PROFILE_NAMES = ("smoke", "default", "nightly", "release")
TARGET_ENV = "CF_TARGET"

SESSION_KEY: pytest.StashKey[ContractSession] = pytest.StashKey()
RUN_KEY: pytest.StashKey[ConformanceRun] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(
        "cf-conformance", "contract tests against a ContraForce v2 API (contraforce-conformance)"
    )
    group.addoption(
        "--cf-target",
        metavar="FILE",
        help=f"target file (TOML) for the cf_* fixtures and --cf-run; default: ${TARGET_ENV}, "
        "else the embedded reference API on 127.0.0.1",
    )
    group.addoption(
        "--cf-profile",
        choices=PROFILE_NAMES,
        help="run profile: the fixtures' write budget and the depth of --cf-run (default: default)",
    )
    group.addoption(
        "--cf-run",
        action="store_true",
        help="add one test item per contract clause, judged by a whole cf-conformance run",
    )
    group.addoption(
        "--cf-seed", type=int, metavar="N", help="seed of the --cf-run run (default: random)"
    )
    group.addoption(
        "--cf-allow-production",
        action="store_true",
        help="lift the production guard (needs a non-empty [sandbox])",
    )


def pytest_configure(config: pytest.Config) -> None:
    if not config.option.cf_run:
        return
    from conformance.clauses import CLAUSES  # noqa: PLC0415 - a table, no dependencies

    # Each clause item carries its clause id as a marker, so ``-m "C17 or C20"`` selects
    # exactly those clauses (``-k C1`` would match C10 to C19 as well).
    for clause in CLAUSES.values():
        config.addinivalue_line("markers", f"{clause.id}: contract clause {clause.title}")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    # tryfirst: the clause items must be there before -k and -m deselect.
    if not config.option.cf_run:
        return
    from conformance.pytest_plugin.clause_items import (  # noqa: PLC0415
        ConformanceRun,
        clause_items,
    )

    run = ConformanceRun(_session(config), seed=config.option.cf_seed)
    config.stash[RUN_KEY] = run
    items.extend(clause_items(session, run))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Check the target file once the selected tests are known, before any of them runs."""
    config = session.config
    wanted = _options_given(config) or any(
        FIXTURES.intersection(getattr(item, "fixturenames", ())) for item in session.items
    )
    if not wanted:
        return
    state = _session(config)
    state.validate()  # pytest.UsageError: one line, exit code 4, no test runs
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    for notice in state.notices:
        if reporter is not None:
            reporter.write_line(notice)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    state = config.stash.get(SESSION_KEY, None)
    if state is None:
        return
    run = config.stash.get(RUN_KEY, None)
    result = None if run is None else run.result_if_run
    if result is not None:
        terminalreporter.section("cf-conformance run")
        terminalreporter.write_line(result.table(rerun=_rerun(config, result.seed)))
    if state.started:
        terminalreporter.write_line(state.summary())


# -- the fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cf_target(request: pytest.FixtureRequest) -> Target:
    """The loaded target, production guard applied.

    From ``--cf-target FILE`` or ``$CF_TARGET``; without either, the embedded reference API,
    started on 127.0.0.1 for the session.
    """
    return _opened(request.config).target()


@pytest.fixture(scope="session")
def cf_client(request: pytest.FixtureRequest) -> ContractClient:
    """The guarded client: write rule, write budget, rate limit, retries, redaction.

    ``cf_client.bulk_update(body, ...)`` and ``cf_client.bulk_update_example(example)``
    return an ``Exchange`` for ``cf_check``.
    """
    return _opened(request.config).client()


@pytest.fixture(scope="session")
def cf_sandbox(request: pytest.FixtureRequest) -> SandboxIds:
    """The target's writable and foreign incidents, and fresh reserved ids."""
    return _opened(request.config).sandbox()


@pytest.fixture(scope="session")
def cf_check(request: pytest.FixtureRequest) -> ContractCheck:
    """``cf_check(exchange)``: every clause check; one ``ExchangeFailure`` with all findings."""
    return _opened(request.config).check()


# -- the session state -----------------------------------------------------------------------------


def _options_given(config: pytest.Config) -> bool:
    option = config.option
    return bool(
        option.cf_target
        or option.cf_profile
        or option.cf_run
        or option.cf_seed is not None
        or option.cf_allow_production
    )


def _session(config: pytest.Config) -> ContractSession:
    state = config.stash.get(SESSION_KEY, None)
    if state is None:
        from conformance.pytest_plugin.session import (  # noqa: PLC0415
            ContractSession,
            PluginOptions,
        )

        target = config.option.cf_target or os.environ.get(TARGET_ENV) or None
        state = ContractSession(
            PluginOptions(
                target=None if target is None else Path(target),
                profile=config.option.cf_profile or "default",
                allow_production=config.option.cf_allow_production,
            ),
            os.environ,
        )
        config.stash[SESSION_KEY] = state
        config.add_cleanup(state.close)
    return state


def _opened(config: pytest.Config) -> ContractSession:
    """The session state for a fixture; a fixture requested too late to be validated at
    collection (``request.getfixturevalue``) still stops the session with one line."""
    state = _session(config)
    try:
        state.validate()
    except pytest.UsageError as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)
    return state


def _rerun(config: pytest.Config, seed: int | None) -> str:
    option = config.option
    parts = ["pytest", "--cf-run"]
    if option.cf_target:
        parts += ["--cf-target", option.cf_target]
    if option.cf_profile:
        parts += ["--cf-profile", option.cf_profile]
    if seed is not None:
        parts += ["--cf-seed", str(seed)]
    return " ".join(shlex.quote(part) for part in parts)
