"""What a run settles before it sends anything: the profile, the check settings, the guard.

Each problem is a ``UsageError`` (exit 2) that names the option or the key to fix.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TextIO

from conformance.checks import CheckContext
from conformance.limits import LimitError
from conformance.run.guard import production_reason
from conformance.run.profiles import PROFILES, Profile, resize_profile
from conformance.run.target import Target, load_target

__all__ = [
    "EmbeddedTarget",
    "UsageError",
    "check_context",
    "guard_production",
    "open_target",
    "resolve_profile",
]

EmbeddedTarget = Callable[[TextIO], AbstractContextManager[Target]]
"""Opens the target of a run without ``--target``; it may print to ``out`` where that is."""


class UsageError(Exception):
    """A problem the user can fix from the command line or the target file (exit 2)."""


def resolve_profile(name: str, target: Target, *, max_examples: int | None) -> Profile:
    """The named profile, with the target file's sizes and ``--max-examples`` applied."""
    if name not in PROFILES:
        raise UsageError(f"unknown profile {name!r}: use one of {', '.join(PROFILES)}")
    base = PROFILES[name]
    try:
        return resize_profile(
            base, target.profile_sizes.get(base.name, {}), max_examples=max_examples
        )
    except TypeError as exc:
        raise UsageError(f"profiles.{base.name}: {exc}") from None


def check_context(target: Target) -> CheckContext:
    try:
        return CheckContext.with_codes(target.problem_codes, relaxed=target.relax)
    except ValueError as exc:
        raise UsageError(f"checks.relax: {exc}") from None


def guard_production(target: Target, *, allow: bool, out: TextIO) -> None:
    """Refuse a production-looking host unless ``allow`` (and then only with a sandbox)."""
    reason = production_reason(target.base_url, target.production_hosts)
    if reason is None:
        return
    if not allow:
        raise UsageError(
            f"base_url {target.base_url} looks like production: {reason}. Nothing was sent. "
            "Point the target at a staging deployment, or pass --allow-production to override"
        )
    if not (target.sandbox.writable or target.sandbox.foreign):
        raise UsageError(
            "--allow-production needs a non-empty [sandbox]: "
            "list the incidents set aside for the suite"
        )
    print(
        f"WARNING: running against a production-looking host ({reason}) "
        "because --allow-production was given",
        file=out,
    )


@contextlib.contextmanager
def open_target(
    path: Path | None,
    concurrency: int | None,
    environ: Mapping[str, str],
    out: TextIO,
    embedded: EmbeddedTarget | None,
) -> Iterator[Target]:
    """The target file at ``path``, or without one what ``embedded`` opens; ``--concurrency``
    applied (checked by ``Limits``, so a value out of range is a ``UsageError``)."""
    if path is not None:
        yield _with_concurrency(load_target(path, environ), concurrency)
    elif embedded is None:
        raise UsageError("no target: pass --target FILE")
    else:
        with embedded(out) as target:
            yield _with_concurrency(target, concurrency)


def _with_concurrency(target: Target, concurrency: int | None) -> Target:
    if concurrency is None:
        return target
    try:
        return target.with_concurrency(concurrency)
    except LimitError as exc:
        raise UsageError(f"--concurrency {exc.problem}") from None
