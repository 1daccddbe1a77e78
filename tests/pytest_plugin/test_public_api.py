"""Pins the public surface of the pytest plugin's modules."""

import pytest

import conformance.pytest_plugin
from conformance.pytest_plugin import check, clause_items, client, plugin, sandbox_ids, session

EXPECTED = {
    # The package imports nothing, so that loading the plugin loads nothing else.
    conformance.pytest_plugin: set(),
    plugin: {
        "FIXTURES", "PROFILE_NAMES", "cf_check", "cf_client", "cf_sandbox", "cf_target",
        "pytest_addoption", "pytest_collection_finish", "pytest_collection_modifyitems",
        "pytest_configure", "pytest_terminal_summary",
    },
    check: {"ContractCheck", "ExchangeFailure", "redacted", "reproducer", "response_summary"},
    client: {"AUTO", "ContractClient", "CredentialName", "GeneratedRequest"},
    session: {"ContractSession", "PluginOptions"},
    sandbox_ids: {"SandboxIds"},
    clause_items: {
        "RUN_ITEM", "RUN_NODE", "ClauseItem", "ConformanceRun", "RunItem", "RunResult",
        "clause_failure_text", "clause_items",
    },
}  # fmt: skip


@pytest.mark.parametrize("module", list(EXPECTED), ids=lambda m: m.__name__)
def test_public_api(module: object) -> None:
    exported = set(module.__all__)  # type: ignore[attr-defined]
    assert exported == EXPECTED[module]  # type: ignore[index]
    for name in exported:
        assert hasattr(module, name), name
