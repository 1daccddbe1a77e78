"""The target file: where the API is, which credentials to use, and which incidents to touch.

Every problem with the file or the environment becomes one ``ConfigError`` line naming the
file, the key and the fix; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.clauses import canonical_clause_id
from conformance.limits import LimitError, Limits
from conformance.reports import FlakyPolicy
from conformance.run.config_error import ConfigError
from conformance.run.credentials import Credential
from conformance.run.readback_config import ReadbackConfig, parse_readback
from conformance.run.sandbox_config import parse_sandbox
from conformance.run.target_keys import reject_unknown_keys
from conformance.run.target_values import list_value, string, table
from conformance.sandbox import Sandbox

__all__ = ["ConfigError", "Limits", "Target", "load_target", "parse_target"]


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    writer: Credential
    no_scope: Credential | None = None
    sandbox: Sandbox = field(default_factory=Sandbox)
    limits: Limits = field(default_factory=Limits)
    production_hosts: tuple[str, ...] = ()
    relax: frozenset[str] = frozenset()
    problem_codes: Mapping[str, int] = field(default_factory=dict)
    profile_sizes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    flaky: FlakyPolicy = "fail"
    """What a finding that did not reproduce on replay does to the run: fail it, or warn."""
    observer: Credential | None = None
    """A read-only credential that sees every sandbox incident (``[auth.observer]``)."""
    readback: ReadbackConfig | None = None
    """How to read incidents back (C21); ``None``: C21 is skipped."""

    @property
    def credentials(self) -> tuple[Credential, ...]:
        named = (self.writer, self.no_scope, self.observer)
        return tuple(credential for credential in named if credential is not None)

    def credential(self, name: str) -> Credential | None:
        """The credential of the ``[auth.<name>]`` table, if the file has it."""
        by_name = {"writer": self.writer, "no_scope": self.no_scope, "observer": self.observer}
        return by_name.get(name)

    @property
    def read_paths(self) -> tuple[str, ...]:
        """The path templates a GET may go to (the read rule); none without ``[readback]``."""
        return () if self.readback is None else self.readback.paths

    def with_concurrency(self, concurrency: int) -> Target:
        """This target with ``limits.concurrency`` replaced (``--concurrency``)."""
        limits = dataclasses.replace(self.limits, concurrency=concurrency)
        return dataclasses.replace(self, limits=limits)


def load_target(path: Path, environ: Mapping[str, str] | None = None) -> Target:
    source = str(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(source, "", "no such file", "pass an existing --target FILE") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"not valid TOML: {exc}", "fix the syntax") from None
    return parse_target(raw, source=source, environ=os.environ if environ is None else environ)


def parse_target(raw: Mapping[str, Any], *, source: str, environ: Mapping[str, str]) -> Target:
    reject_unknown_keys(raw, source)
    base_url = _base_url(raw.get("base_url"), source)
    auth = table(raw, "auth", source, required=True)
    writer = _credential(auth, "writer", source, environ, required=True)
    assert writer is not None  # required=True guarantees it
    sandbox = parse_sandbox(table(raw, "sandbox", source), source)
    return Target(
        name=string(raw.get("name", Path(source).stem), "name", source),
        base_url=base_url,
        writer=writer,
        no_scope=_credential(auth, "no_scope", source, environ, required=False),
        sandbox=sandbox,
        observer=_credential(auth, "observer", source, environ, required=False),
        readback=parse_readback(
            raw.get("readback"), source=source, sandbox=sandbox, auth=set(auth)
        ),
        limits=_limits(table(raw, "limits", source), source),
        production_hosts=tuple(
            string(host, f"production_hosts[{i}]", source).lower()
            for i, host in enumerate(
                list_value(raw.get("production_hosts", []), "production_hosts", source)
            )
        ),
        relax=frozenset(
            canonical_clause_id(string(c, f"checks.relax[{i}]", source))
            for i, c in enumerate(
                list_value(table(raw, "checks", source).get("relax", []), "checks.relax", source)
            )
        ),
        profile_sizes=_profile_sizes(table(raw, "profiles", source), source),
        problem_codes=_problem_codes(table(raw, "checks", source).get("problem_codes", {}), source),
        flaky=_flaky(table(raw, "checks", source).get("flaky", "fail"), source),
    )


def _base_url(value: Any, source: str) -> str:
    fix = 'set base_url = "https://staging.example.com" (scheme and host, no path needed)'
    if value is None:
        raise ConfigError(source, "base_url", "missing", fix)
    if not isinstance(value, str):
        raise ConfigError(source, "base_url", f"must be a string, got {type(value).__name__}", fix)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(source, "base_url", f"not an http(s) URL: {value!r}", fix)
    return value.rstrip("/")


def _env(environ: Mapping[str, str], name: str, key: str, source: str) -> str:
    value = environ.get(name)
    if not value:
        state = "is empty" if name in environ else "is not set"
        raise ConfigError(
            source, key, f"environment variable {name} {state}", f"export {name}=... before the run"
        )
    return value


def _credential(
    auth: Mapping[str, Any], role: str, source: str, environ: Mapping[str, str], *, required: bool
) -> Credential | None:
    table = auth.get(role)
    prefix = f"auth.{role}"
    if table is None:
        if required:
            raise ConfigError(
                source, prefix, "missing", f"add an [{prefix}] table with scheme and *_env keys"
            )
        return None
    if not isinstance(table, Mapping):
        raise ConfigError(source, prefix, "must be a table", f"write it as [{prefix}]")
    scheme = table.get("scheme", "basic")
    if scheme == "basic":
        id_name = string(table.get("client_id_env"), f"{prefix}.client_id_env", source)
        secret_name = string(table.get("client_secret_env"), f"{prefix}.client_secret_env", source)
        return Credential(
            "basic",
            client_id=_env(environ, id_name, f"{prefix}.client_id_env", source),
            secret=_env(environ, secret_name, f"{prefix}.client_secret_env", source),
            name=prefix,
            variables=(id_name, secret_name),
        )
    if scheme == "bearer":
        token_name = string(table.get("token_env"), f"{prefix}.token_env", source)
        token = _env(environ, token_name, f"{prefix}.token_env", source)
        return Credential("bearer", secret=token, name=prefix, variables=(token_name,))
    raise ConfigError(
        source, f"{prefix}.scheme", f"unknown scheme {scheme!r}", 'use "basic" or "bearer"'
    )


def _limits(table: Mapping[str, Any], source: str) -> Limits:
    try:
        return Limits.from_table(table)
    except LimitError as exc:
        raise ConfigError(source, f"limits.{exc.key}", exc.problem, exc.fix) from None


def _problem_codes(value: Any, source: str) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise ConfigError(
            source, "checks.problem_codes", "must be a table", "write [checks.problem_codes]"
        )
    codes = {}
    for code, status in value.items():
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ConfigError(
                source,
                f"checks.problem_codes.{code}",
                f"must be an HTTP error status, got {status!r}",
                f"set {code} = 429 (a 4xx or 5xx)",
            )
        codes[str(code)] = status
    return codes


def _flaky(value: Any, source: str) -> FlakyPolicy:
    if value == "fail":
        return "fail"
    if value == "warn":
        return "warn"
    raise ConfigError(
        source,
        "checks.flaky",
        f'must be "fail" or "warn", got {value!r}',
        'set flaky = "warn" to report flaky findings without failing the run',
    )


def _profile_sizes(table: Mapping[str, Any], source: str) -> dict[str, dict[str, int]]:
    sizes: dict[str, dict[str, int]] = {}
    for profile, values in table.items():
        if not isinstance(values, Mapping):
            raise ConfigError(
                source, f"profiles.{profile}", "must be a table", f"write [profiles.{profile}]"
            )
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(
                    source,
                    f"profiles.{profile}.{key}",
                    f"must be a whole number >= 0, got {value!r}",
                    f"set {key} = 100",
                )
        sizes[str(profile)] = {str(k): int(v) for k, v in values.items()}
    return sizes
