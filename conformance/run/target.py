"""The target file: where the API is, which credentials to use, and which incidents to touch.

Every problem with the file or the environment becomes one ``ConfigError`` line naming the
file, the key and the fix; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.clauses import canonical_clause_id
from conformance.concurrency import DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from conformance.reports import FlakyPolicy
from conformance.run.config_error import ConfigError
from conformance.run.credentials import Credential
from conformance.run.readback_config import FIELDS, ReadbackConfig, parse_readback
from conformance.sandbox import Incident, Sandbox, User

__all__ = ["ConfigError", "Limits", "Target", "load_target", "parse_target"]

ALLOWED_KEYS: dict[str, set[str]] = {
    "": {
        "name",
        "base_url",
        "production_hosts",
        "auth",
        "sandbox",
        "limits",
        "checks",
        "profiles",
        "readback",
    },
    "profiles": {"smoke", "default", "nightly", "release"},
    "profiles.*": {
        "property_examples",
        "invalid_examples",
        "leak_sequences",
        "fuzz_examples",
        "max_write_requests",
    },
    "auth": {"writer", "no_scope", "observer"},
    "auth.*": {"scheme", "client_id_env", "client_secret_env", "token_env"},
    "sandbox": {"writable", "foreign", "users"},
    "sandbox.writable[]": {"id", "workspace", "source"},
    "sandbox.foreign[]": {"id", "workspace", "source"},
    "sandbox.users[]": {"id", "email", "displayName"},
    "readback": {
        "path",
        "incident",
        "credential",
        "observer",
        "deadline_seconds",
        "fields",
        "comments",
    },
    "readback.fields": set(FIELDS),
    "readback.comments": {"path", "messages"},
    "limits": {
        "requests_per_second",
        "max_items",
        "max_write_requests",
        "max_429_share",
        "timeout_seconds",
        "retries",
        "concurrency",
    },
    "checks": {"relax", "problem_codes", "flaky"},
}


@dataclass(frozen=True)
class Limits:
    requests_per_second: float | None = None
    max_items: int | None = None
    max_write_requests: int | None = None
    max_429_share: float = 0.2
    timeout_seconds: float = 10.0
    retries: int = 2
    concurrency: int = DEFAULT_CONCURRENCY
    """Requests in flight at once; ``requests_per_second`` still caps the rate."""


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
    _reject_unknown_keys(raw, "", source)
    base_url = _base_url(raw.get("base_url"), source)
    auth = _table(raw, "auth", source, required=True)
    writer = _credential(auth, "writer", source, environ, required=True)
    assert writer is not None  # required=True guarantees it
    sandbox = _sandbox(_table(raw, "sandbox", source), source)
    return Target(
        name=_string(raw.get("name", Path(source).stem), "name", source),
        base_url=base_url,
        writer=writer,
        no_scope=_credential(auth, "no_scope", source, environ, required=False),
        sandbox=sandbox,
        observer=_credential(auth, "observer", source, environ, required=False),
        readback=parse_readback(
            raw.get("readback"), source=source, sandbox=sandbox, auth=set(auth)
        ),
        limits=_limits(_table(raw, "limits", source), source),
        production_hosts=tuple(
            _string(host, f"production_hosts[{i}]", source).lower()
            for i, host in enumerate(
                _list(raw.get("production_hosts", []), "production_hosts", source)
            )
        ),
        relax=frozenset(
            canonical_clause_id(_string(c, f"checks.relax[{i}]", source))
            for i, c in enumerate(
                _list(_table(raw, "checks", source).get("relax", []), "checks.relax", source)
            )
        ),
        profile_sizes=_profile_sizes(_table(raw, "profiles", source), source),
        problem_codes=_problem_codes(
            _table(raw, "checks", source).get("problem_codes", {}), source
        ),
        flaky=_flaky(_table(raw, "checks", source).get("flaky", "fail"), source),
    )


def _reject_unknown_keys(node: Mapping[str, Any], scope: str, source: str, where: str = "") -> None:
    """Fail on the first key the format does not know; ``scope`` indexes ALLOWED_KEYS."""
    allowed = ALLOWED_KEYS.get(scope, set())
    for key, value in node.items():
        path = f"{where}.{key}" if where else key
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = (
                f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(sorted(allowed))}"
            )
            raise ConfigError(source, path, "unknown key", f"remove it; {hint}")
        child = f"{scope}.*" if scope == "auth" else (f"{scope}.{key}" if scope else key)
        if isinstance(value, Mapping) and child in ALLOWED_KEYS:
            _reject_unknown_keys(value, child, source, path)
        elif isinstance(value, list) and f"{child}[]" in ALLOWED_KEYS:
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    _reject_unknown_keys(item, f"{child}[]", source, f"{path}[{index}]")


def _table(
    raw: Mapping[str, Any], key: str, source: str, *, required: bool = False
) -> Mapping[str, Any]:
    value = raw.get(key)
    if value is None:
        if required:
            raise ConfigError(source, key, "missing table", f"add a [{key}] table")
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(
            source, key, f"must be a table, got {type(value).__name__}", f"write it as [{key}]"
        )
    return value


def _string(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            source, key, f"must be a non-empty string, got {value!r}", f'set {key} = "..."'
        )
    return value


def _list(value: Any, key: str, source: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(
            source, key, f"must be a list, got {type(value).__name__}", f"write {key} = [...]"
        )
    return value


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
        id_name = _string(table.get("client_id_env"), f"{prefix}.client_id_env", source)
        secret_name = _string(table.get("client_secret_env"), f"{prefix}.client_secret_env", source)
        return Credential(
            "basic",
            client_id=_env(environ, id_name, f"{prefix}.client_id_env", source),
            secret=_env(environ, secret_name, f"{prefix}.client_secret_env", source),
        )
    if scheme == "bearer":
        token_name = _string(table.get("token_env"), f"{prefix}.token_env", source)
        return Credential("bearer", secret=_env(environ, token_name, f"{prefix}.token_env", source))
    raise ConfigError(
        source, f"{prefix}.scheme", f"unknown scheme {scheme!r}", 'use "basic" or "bearer"'
    )


def _sandbox(table: Mapping[str, Any], source: str) -> Sandbox:
    def incidents(kind: str) -> tuple[Incident, ...]:
        entries = _list(table.get(kind, []), f"sandbox.{kind}", source)
        result = []
        for index, entry in enumerate(entries):
            key = f"sandbox.{kind}[{index}]"
            if not isinstance(entry, Mapping):
                raise ConfigError(
                    source, key, "must be a table", '{ id = "...", workspace = "..." }'
                )
            result.append(
                Incident(
                    id=_string(entry.get("id"), f"{key}.id", source),
                    workspace=_string(entry.get("workspace"), f"{key}.workspace", source),
                    source=_optional_string(entry.get("source"), f"{key}.source", source),
                )
            )
        return tuple(result)

    sandbox = Sandbox(
        writable=incidents("writable"), foreign=incidents("foreign"), users=_users(table, source)
    )
    overlap = {i.id for i in sandbox.writable} & {i.id for i in sandbox.foreign}
    if overlap:
        raise ConfigError(
            source,
            "sandbox",
            f"ids listed as both writable and foreign: {sorted(overlap)}",
            "list each id once",
        )
    return sandbox


def _optional_string(value: Any, key: str, source: str) -> str | None:
    return None if value is None else _string(value, key, source)


def _users(table: Mapping[str, Any], source: str) -> tuple[User, ...]:
    users = []
    for index, entry in enumerate(_list(table.get("users", []), "sandbox.users", source)):
        key = f"sandbox.users[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(source, key, "must be a table", '{ id = "...", email = "..." }')
        users.append(
            User(
                id=_string(entry.get("id"), f"{key}.id", source),
                email=_optional_string(entry.get("email"), f"{key}.email", source),
                display_name=_optional_string(
                    entry.get("displayName"), f"{key}.displayName", source
                ),
            )
        )
    ids = [user.id for user in users]
    if len(set(ids)) != len(ids):
        raise ConfigError(source, "sandbox.users", "a user id is listed twice", "list each once")
    return tuple(users)


def _number(
    table: Mapping[str, Any], key: str, source: str, *, spec: tuple[type, float, float | None]
) -> Any:
    kind, low, high = spec
    value = table[key]
    bound = f">= {low}" if high is None else f"between {low} and {high}"
    accepted = (int, float) if kind is float else int
    if isinstance(value, bool) or not isinstance(value, accepted):
        raise ConfigError(
            source,
            f"limits.{key}",
            f"must be a {kind.__name__}, got {value!r}",
            f"use a number {bound}",
        )
    if value < low or (high is not None and value > high):
        raise ConfigError(
            source, f"limits.{key}", f"must be {bound}, got {value!r}", f"use a number {bound}"
        )
    return kind(value)


def _limits(table: Mapping[str, Any], source: str) -> Limits:
    specs: dict[str, tuple[type, float, float | None]] = {
        "requests_per_second": (float, 0.01, None),
        "max_items": (int, 1, None),
        "max_write_requests": (int, 1, None),
        "max_429_share": (float, 0.0, 1.0),
        "timeout_seconds": (float, 0.1, None),
        "retries": (int, 0, 10),
        "concurrency": (int, 1, MAX_CONCURRENCY),
    }
    values = {
        key: _number(table, key, source, spec=spec) for key, spec in specs.items() if key in table
    }
    return Limits(**values)


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
