"""The read rule: a GET only to a configured read path, filled in for a sandbox incident."""

from __future__ import annotations

import pytest

from conformance.sandbox import (
    Incident,
    Sandbox,
    UnsafeReadError,
    check_read_rule,
    placeholders,
    read_path,
)

SANDBOX = Sandbox(
    writable=(Incident("INC-1", "w1", "Sentinel"),),
    foreign=(Incident("INC 2/x", "w2", "QRadar"),),
)
TEMPLATES = ("/ws/{workspace}/incidents/{source}/{id}", "/ws/{workspace}/incidents/{source}/{id}/c")


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/ws/w1/incidents/Sentinel/INC-1", id="writable"),
        pytest.param("/ws/w1/incidents/Sentinel/INC-1/c", id="comments"),
        pytest.param("/ws/w2/incidents/QRadar/INC%202%2Fx", id="foreign-encoded-as-one-segment"),
    ],
)
def test_configured_paths_of_sandbox_incidents_may_be_read(path: str) -> None:
    check_read_rule(SANDBOX, TEMPLATES, path)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/ws/w1/incidents/Sentinel/INC-3", id="not-in-the-sandbox"),
        pytest.param("/ws/w2/incidents/Sentinel/INC-1", id="another-workspace"),
        pytest.param("/ws/w1/incidents/Sentinel/INC-1?expand=all", id="a-query"),
        pytest.param("/ws/w1/incidents/Sentinel/INC-1/", id="a-trailing-slash"),
        pytest.param("http://evil.example/ws/w1/incidents/Sentinel/INC-1", id="another-host"),
        pytest.param("/api/v2/incidents/across-workspaces/bulk-update", id="another-path"),
        pytest.param("/ws/w2/incidents/QRadar/INC 2/x", id="unencoded-slash"),
    ],
)
def test_anything_else_is_refused(path: str) -> None:
    with pytest.raises(UnsafeReadError, match="a GET goes only to the configured read paths"):
        check_read_rule(SANDBOX, TEMPLATES, path)


def test_a_path_without_placeholders_is_allowed_as_it_is() -> None:
    check_read_rule(SANDBOX, ("/api/v2/op",), "/api/v2/op")
    with pytest.raises(UnsafeReadError):
        check_read_rule(SANDBOX, ("/api/v2/op",), "/api/v2/op/INC-1")


def test_without_read_paths_no_get_is_allowed() -> None:
    with pytest.raises(UnsafeReadError):
        check_read_rule(SANDBOX, (), "/ws/w1/incidents/Sentinel/INC-1")


def test_placeholders_and_filling_in() -> None:
    assert placeholders(TEMPLATES[0]) == ("workspace", "source", "id")
    assert read_path(TEMPLATES[0], SANDBOX.foreign[0]) == "/ws/w2/incidents/QRadar/INC%202%2Fx"
    with pytest.raises(ValueError, match="Single '}'"):
        placeholders("/ws/{workspace}}")
