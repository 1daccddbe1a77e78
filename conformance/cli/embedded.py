"""The embedded reference API as the target of ``cf-conformance run`` when no file is given.

The choice is the command line's: the run layer only receives a way to open a target, so it
never depends on the reference API.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TextIO

from conformance.reference import ReferenceServer
from conformance.reference.target_files import env_values, target_file_text
from conformance.run.preconditions import UsageError
from conformance.run.target import Limits, Target, parse_target

__all__ = ["embedded_reference"]


def embedded_reference(
    faults: Sequence[str] = (),
    *,
    timeout_seconds: float = Limits.timeout_seconds,
    retries: int = Limits.retries,
    max_write_requests: int | None = None,
) -> Callable[[TextIO], AbstractContextManager[Target]]:
    """Opens a fresh reference API on 127.0.0.1, with ``faults`` switched on, as a target.

    ``timeout_seconds``, ``retries`` and ``max_write_requests`` are the target's limits (the
    defaults of a target file); self-tests shorten the first two, since every request a fault
    leaves unanswered costs them, and may raise the write budget of a small profile.
    """
    limits = Limits(
        timeout_seconds=timeout_seconds, retries=retries, max_write_requests=max_write_requests
    )

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
            yield _target(server, limits)

    return open_target


def _target(server: ReferenceServer, limits: Limits) -> Target:
    # The target file the reference writes for ``serve``, read as any target file is: the
    # embedded run and a run against ``serve`` judge the same configuration.
    target = parse_target(
        tomllib.loads(target_file_text(server)),
        source="the embedded reference's target file",
        environ=env_values(server),
    )
    return dataclasses.replace(
        target, limits=dataclasses.replace(limits, max_items=server.max_items)
    )
