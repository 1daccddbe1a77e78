"""The embedded reference API as the target of ``cf-conformance run`` when no file is given.

The choice is the command line's: the run layer only receives a way to open a target, so it
never depends on the reference API.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TextIO

from conformance.reference import ReferenceServer
from conformance.run.credentials import Credential
from conformance.run.preconditions import UsageError
from conformance.run.target import Limits, Target

__all__ = ["embedded_reference"]


def embedded_reference(
    faults: Sequence[str] = (),
) -> Callable[[TextIO], AbstractContextManager[Target]]:
    """Opens a fresh reference API on 127.0.0.1, with ``faults`` switched on, as a target."""

    @contextlib.contextmanager
    def open_target(out: TextIO) -> Iterator[Target]:
        with contextlib.ExitStack() as stack:
            try:
                # An unknown fault name is refused when the server starts.
                server = stack.enter_context(ReferenceServer(faults=tuple(faults)))
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            print(
                "no --target given: running against the embedded reference API at "
                f"{server.base_url}",
                file=out,
            )
            if faults:
                print(f"reference API faults switched on: {', '.join(faults)}", file=out)
            yield _target(server)

    return open_target


def _target(server: ReferenceServer) -> Target:
    creds = server.credentials
    return Target(
        name="reference",
        base_url=server.base_url,
        writer=Credential("basic", creds.writer.client_id, creds.writer.secret),
        no_scope=Credential("basic", creds.no_scope.client_id, creds.no_scope.secret),
        sandbox=server.sandbox,
        limits=Limits(max_items=server.max_items),
    )
