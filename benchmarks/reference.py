"""The suite's view of a running ``ReferenceServer``: the ``Target`` the benchmarks run against."""

from __future__ import annotations

from conformance.reference import ReferenceServer
from conformance.run.credentials import Credential
from conformance.run.target import Limits, Target

__all__ = ["reference_target"]


def reference_target(server: ReferenceServer) -> Target:
    """What ``cf-conformance run`` builds for its embedded server, minus the no-scope account."""
    writer = server.credentials.writer
    return Target(
        name="reference",
        base_url=server.base_url,
        writer=Credential("basic", writer.client_id, writer.secret),
        sandbox=server.sandbox,
        limits=Limits(max_items=server.max_items),
    )
