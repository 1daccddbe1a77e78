"""What one pytest session shares: the target, its guarded client and its clause checks.

Everything a target file decides (the file itself, its environment variables, the production
guard, relaxed clauses, profile sizes) is checked by ``validate`` before any test runs, and a
problem becomes ``pytest.UsageError``: one line naming the file, the key and the fix, as
``cf-conformance run`` prints it, never a traceback inside a test. The embedded reference API
starts only when a test first needs the target.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.checks import CheckContext
from conformance.pytest_plugin.check import ContractCheck
from conformance.pytest_plugin.client import ContractClient
from conformance.pytest_plugin.sandbox_ids import SandboxIds
from conformance.run import (
    PROFILES,
    ConfigError,
    Profile,
    Redactor,
    Target,
    TargetClient,
    load_target,
    production_reason,
    resize_profile,
)

__all__ = ["ContractSession", "PluginOptions"]

PREFIX = "cf-conformance"


@dataclass(frozen=True)
class PluginOptions:
    target: Path | None = None
    """The target file (``--cf-target`` or ``CF_TARGET``); None: the embedded reference API."""
    profile: str = "default"
    allow_production: bool = False


class ContractSession:
    """The target of one pytest session, opened on first use and closed by ``close``."""

    def __init__(self, options: PluginOptions, environ: Mapping[str, str]) -> None:
        self.options = options
        self._environ = environ
        self._stack = contextlib.ExitStack()
        self._target: Target | None = None
        self._target_file: tuple[Path, Mapping[str, str]] | None = None
        self._client: ContractClient | None = None
        self._check: ContractCheck | None = None
        self.embedded = False
        """Is the target the embedded reference API (no target file given)?"""
        self.notices: list[str] = []
        """Lines for the terminal, such as a production guard lifted on request."""

    # -- before the tests ------------------------------------------------------------------------

    def validate(self) -> None:
        """Load the target file, if any, and check what it decides.

        Raises ``pytest.UsageError`` with one line naming the file, the key and the fix.
        """
        if self._target is not None or self.options.target is None:
            return
        path = self.options.target
        try:
            target = load_target(path, self._environ)
        except ConfigError as exc:
            # The run layer's message, with the fix naming this plugin's option.
            fix = exc.fix.replace("--target FILE", "--cf-target FILE")
            message = ConfigError(exc.source, exc.key, exc.problem, fix)
            raise pytest.UsageError(f"{PREFIX}: {message}") from None
        self._guard(target)
        _context(target, source=str(path))
        _profile(self.options.profile, target, source=str(path))
        self._target = target
        self._target_file = (path, self._environ)

    def _guard(self, target: Target) -> None:
        reason = production_reason(target.base_url, target.production_hosts)
        if reason is None:
            return
        if not self.options.allow_production:
            raise pytest.UsageError(
                f"{PREFIX}: base_url {target.base_url} looks like production: {reason}. "
                "Nothing was sent. Point the target at a staging deployment, or pass "
                "--cf-allow-production to override"
            )
        if not (target.sandbox.writable or target.sandbox.foreign):
            raise pytest.UsageError(
                f"{PREFIX}: --cf-allow-production needs a non-empty [sandbox]: "
                "list the incidents set aside for the suite"
            )
        self.notices.append(
            f"WARNING: {PREFIX} runs against a production-looking host ({reason}) "
            "because --cf-allow-production was given"
        )

    # -- what the fixtures hand out --------------------------------------------------------------

    def target(self) -> Target:
        """The loaded target; without a target file, the embedded reference API (started now)."""
        if self._target is None:
            self.validate()
        if self._target is None:
            self._target, self._target_file = self._start_reference()
        return self._target

    def target_file(self) -> tuple[Path, Mapping[str, str]]:
        """A target file and the environment its variables come from, for ``cf-conformance run``."""
        self.target()
        assert self._target_file is not None  # set together with the target
        return self._target_file

    @property
    def profile(self) -> Profile:
        return _profile(self.options.profile, self.target())

    def client(self) -> ContractClient:
        if self._client is None:
            target = self.target()
            client = TargetClient(target, max_write_requests=self.write_budget())
            self._client = ContractClient(
                self._stack.enter_context(client),
                sandbox=self.sandbox(),
                redactor=self.redactor(),
                context=_context(target),
            )
        return self._client

    def check(self) -> ContractCheck:
        if self._check is None:
            self._check = ContractCheck(_context(self.target()), self.redactor())
        return self._check

    def sandbox(self) -> SandboxIds:
        return SandboxIds.of(self.target().sandbox)

    def redactor(self) -> Redactor:
        return Redactor.for_credentials(self.target().credentials)

    def write_budget(self) -> int:
        return self.target().limits.max_write_requests or self.profile.max_write_requests

    def summary(self) -> str:
        """One line for the end of the session: where the tests went and what they sent."""
        target, stats = self.target(), self.client().stats
        where = "the embedded reference API" if self.embedded else f"target {target.name}"
        return (
            f"{PREFIX}: {_count(stats.requests, 'request')} to {where} ({target.base_url}), "
            f"{_count(stats.writes, 'write')} of a budget of {self.write_budget()}, "
            f"{stats.retried_429} retried after 429"
        )

    @property
    def started(self) -> bool:
        """Has a test used the target? (The session summary only speaks when one has.)"""
        return self._client is not None

    def close(self) -> None:
        self._stack.close()

    # -- the embedded reference API --------------------------------------------------------------

    def _start_reference(self) -> tuple[Target, tuple[Path, Mapping[str, str]]]:
        # Only a session without a target file needs the server and its dependencies.
        from conformance.reference import (  # noqa: PLC0415
            ReferenceServer,
            env_values,
            write_target_file,
        )

        server = self._stack.enter_context(ReferenceServer())
        folder = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="cf-")))
        # The same target file ``cf-conformance serve --write-target`` writes, loaded the same
        # way as any other: the fixtures and ``--cf-run`` then see exactly what a file gives.
        path = write_target_file(folder / "reference.toml", server)
        environ = {**self._environ, **env_values(server)}
        self.embedded = True
        return load_target(path, environ), (path, environ)


def _context(target: Target, *, source: str = "") -> CheckContext:
    try:
        return CheckContext.with_codes(target.problem_codes, relaxed=target.relax)
    except ValueError as exc:
        raise pytest.UsageError(f"{PREFIX}: {source or target.name}: checks.relax: {exc}") from None


def _profile(name: str, target: Target, *, source: str = "") -> Profile:
    base = PROFILES[name]
    try:
        return resize_profile(base, target.profile_sizes.get(base.name, {}))
    except TypeError as exc:
        where = f"{source or target.name}: profiles.{base.name}"
        raise pytest.UsageError(f"{PREFIX}: {where}: {exc}") from None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
