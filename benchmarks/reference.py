"""The suite's view of a running ``ReferenceServer``: a ``Target`` and the writer's header."""

from __future__ import annotations

from conformance.reference import ReferenceServer
from conformance.run.credentials import Credential
from conformance.run.target import Limits, Target

__all__ = ["reference_target", "writer_authorization"]


def reference_target(server: ReferenceServer) -> Target:
    """What ``cf-conformance run`` builds for its embedded server, minus the no-scope account."""
    return Target(
        name="reference",
        base_url=server.base_url,
        writer=_writer(server),
        sandbox=server.sandbox,
        limits=Limits(max_items=server.max_items),
    )


def writer_authorization(server: ReferenceServer) -> str:
    return _writer(server).authorization()


def _writer(server: ReferenceServer) -> Credential:
    writer = server.credentials.writer
    return Credential("basic", writer.client_id, writer.secret)
