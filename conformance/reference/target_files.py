"""The target file (TOML) and env file (dotenv) that point the runner at a reference server.

The target file holds only the *names* of the variables that carry the secrets; the values go
to the env file alone, which is written readable by its owner only.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from conformance.reference.accounts import Credentials
from conformance.sandbox import Incident, Sandbox

__all__ = [
    "DEFAULT_ENV_NAMES",
    "EnvNames",
    "env_file_text",
    "env_values",
    "target_file_text",
    "write_env_file",
    "write_target_file",
]


@dataclass(frozen=True)
class EnvNames:
    writer_client_id: str = "CF_WRITER_CLIENT_ID"
    writer_client_secret: str = "CF_WRITER_CLIENT_SECRET"
    no_scope_client_id: str = "CF_NO_SCOPE_CLIENT_ID"
    no_scope_client_secret: str = "CF_NO_SCOPE_CLIENT_SECRET"
    observer_client_id: str = "CF_OBSERVER_CLIENT_ID"
    observer_client_secret: str = "CF_OBSERVER_CLIENT_SECRET"


DEFAULT_ENV_NAMES = EnvNames()
READ_PATH = "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"
"""The vendor's documented read operation, in the target file's placeholders."""
READBACK_ROOM_SECONDS = 4
"""Beyond the server's apply delay, rounded up, for a loaded machine: 5 s at the default
0.3 s, so a lost update costs a run no more than that."""


def readback_deadline(apply_delay: float) -> int:
    """``[readback] deadline_seconds`` for a server applying updates ``apply_delay`` s late:
    ``serve --apply-delay-ms`` must not turn a slow apply into a lost update."""
    return math.ceil(apply_delay) + READBACK_ROOM_SECONDS


class ServesTarget(Protocol):
    """What the writers need from a running server (``ReferenceServer`` has it)."""

    @property
    def base_url(self) -> str: ...
    @property
    def sandbox(self) -> Sandbox: ...
    @property
    def credentials(self) -> Credentials: ...
    @property
    def users(self) -> tuple[Mapping[str, str], ...]: ...

    max_items: int
    apply_delay: float


def _string(value: str) -> str:
    # A JSON string of printable ASCII is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=True)


def _incidents(incidents: Iterable[Incident]) -> str:
    rows = [
        f"  {{ id = {_string(i.id)}, workspace = {_string(i.workspace)}"
        + ("" if i.source is None else f", source = {_string(i.source)}")
        + " },"
        for i in incidents
    ]
    return "[\n" + "\n".join(rows) + "\n]" if rows else "[]"


def _users(users: Iterable[Mapping[str, str]]) -> str:
    rows = [
        "  { "
        + ", ".join(
            f"{key} = {_string(str(user[key]))}"
            for key in ("id", "email", "displayName")
            if user.get(key) is not None
        )
        + " },"
        for user in users
    ]
    return "[\n" + "\n".join(rows) + "\n]" if rows else "[]"


def _readback(server: ServesTarget, env_names: EnvNames) -> list[str]:
    """The read-back tables: the reference answers ``{"data": <incident>, "meta": ...}``, and
    its observer account (read-only, every workspace) reads the foreign incidents."""
    return [
        "[auth.observer]",
        'scheme = "basic"',
        f"client_id_env = {_string(env_names.observer_client_id)}",
        f"client_secret_env = {_string(env_names.observer_client_secret)}",
        "",
        "[readback]",
        f"path = {_string(READ_PATH)}",
        'incident = "$.data"',
        'credential = "writer"',
        'observer = "observer"',
        f"deadline_seconds = {readback_deadline(server.apply_delay)}",
        "",
        "[readback.fields]",
        'status = "$.status"',
        'classification = "$.classification"',
        'classificationReason = "$.classificationReason"',
        'assignee = "$.assignee.id"',
        "",
        "[readback.comments]",
        f"path = {_string(READ_PATH + '/comments')}",
        'messages = "$.data[*].message"',
        "",
    ]


def target_file_text(server: ServesTarget, env_names: EnvNames = DEFAULT_ENV_NAMES) -> str:
    return "\n".join(
        [
            'name = "reference"',
            f"base_url = {_string(server.base_url)}",
            "",
            "[auth.writer]",
            'scheme = "basic"',
            f"client_id_env = {_string(env_names.writer_client_id)}",
            f"client_secret_env = {_string(env_names.writer_client_secret)}",
            "",
            "[auth.no_scope]",
            'scheme = "basic"',
            f"client_id_env = {_string(env_names.no_scope_client_id)}",
            f"client_secret_env = {_string(env_names.no_scope_client_secret)}",
            "",
            "[sandbox]",
            f"writable = {_incidents(server.sandbox.writable)}",
            f"foreign = {_incidents(server.sandbox.foreign)}",
            f"users = {_users(server.users)}",
            "",
            "[limits]",
            f"max_items = {int(server.max_items)}",
            "",
            *_readback(server, env_names),
        ]
    )


def env_values(server: ServesTarget, env_names: EnvNames = DEFAULT_ENV_NAMES) -> dict[str, str]:
    """The variables the target file names, with this server's credentials."""
    writer, no_scope = server.credentials.writer, server.credentials.no_scope
    values = {
        env_names.writer_client_id: writer.client_id,
        env_names.writer_client_secret: writer.secret,
        env_names.no_scope_client_id: no_scope.client_id,
        env_names.no_scope_client_secret: no_scope.secret,
    }
    observer = server.credentials.observer
    values[env_names.observer_client_id] = observer.client_id
    values[env_names.observer_client_secret] = observer.secret
    return values


def env_file_text(server: ServesTarget, env_names: EnvNames = DEFAULT_ENV_NAMES) -> str:
    # Generated ids and secrets are URL-safe base64 and hex: no quoting is needed.
    return "".join(f"{name}={value}\n" for name, value in env_values(server, env_names).items())


def write_target_file(
    path: Path | str, server: ServesTarget, env_names: EnvNames = DEFAULT_ENV_NAMES
) -> Path:
    target = Path(path)
    target.write_text(target_file_text(server, env_names), encoding="utf-8")
    return target


def write_env_file(
    path: Path | str, server: ServesTarget, env_names: EnvNames = DEFAULT_ENV_NAMES
) -> Path:
    """Created with mode 0600 before anything secret is written to it."""
    target = Path(path)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        os.chmod(target, 0o600)  # an existing file keeps its old mode otherwise
        stream.write(env_file_text(server, env_names))
    return target
