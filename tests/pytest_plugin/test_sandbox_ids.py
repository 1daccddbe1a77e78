"""``cf_sandbox``: the target's sandbox, usable by the strategies, plus fresh reserved ids."""

from __future__ import annotations

from conformance.pytest_plugin.sandbox_ids import SandboxIds
from conformance.sandbox import Incident, Sandbox, is_reserved_id

SANDBOX = Sandbox(
    writable=(Incident("INC-1", "ws-a"), Incident("INC-2", "ws-b"), Incident("INC-3", "ws-a")),
    foreign=(Incident("INC-9", "ws-z"),),
)


def test_it_is_the_targets_sandbox() -> None:
    ids = SandboxIds.of(SANDBOX)
    assert isinstance(ids, Sandbox)
    assert (ids.writable, ids.foreign) == (SANDBOX.writable, SANDBOX.foreign)
    assert ids.caller_workspaces == ("ws-a", "ws-b")


def test_reserved_ids_are_fresh_and_may_be_sent() -> None:
    ids = SandboxIds.of(SANDBOX)
    first, second = ids.reserved_id(), ids.reserved_id()
    assert first != second
    assert is_reserved_id(first, ids.ids)
    assert ids.allows_write_to(first)
