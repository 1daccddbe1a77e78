"""The ``[sandbox]`` table of a target file: the incidents the suite may touch, and its users.

``writable`` and ``foreign`` incidents (with the ``source`` a read-back path may need) and the
``users`` that may be assigned to them (C21a judges the assignee only for these).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.run.config_error import ConfigError
from conformance.run.target_values import list_value, optional_string, string
from conformance.sandbox import Incident, Sandbox, User

__all__ = ["parse_sandbox"]


def parse_sandbox(table: Mapping[str, Any], source: str) -> Sandbox:
    def incidents(kind: str) -> tuple[Incident, ...]:
        entries = list_value(table.get(kind, []), f"sandbox.{kind}", source)
        result = []
        for index, entry in enumerate(entries):
            key = f"sandbox.{kind}[{index}]"
            if not isinstance(entry, Mapping):
                raise ConfigError(
                    source, key, "must be a table", '{ id = "...", workspace = "..." }'
                )
            result.append(
                Incident(
                    id=string(entry.get("id"), f"{key}.id", source),
                    workspace=string(entry.get("workspace"), f"{key}.workspace", source),
                    source=optional_string(entry.get("source"), f"{key}.source", source),
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


def _users(table: Mapping[str, Any], source: str) -> tuple[User, ...]:
    users = []
    for index, entry in enumerate(list_value(table.get("users", []), "sandbox.users", source)):
        key = f"sandbox.users[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(source, key, "must be a table", '{ id = "...", email = "..." }')
        users.append(
            User(
                id=string(entry.get("id"), f"{key}.id", source),
                email=optional_string(entry.get("email"), f"{key}.email", source),
                display_name=optional_string(
                    entry.get("displayName"), f"{key}.displayName", source
                ),
            )
        )
    ids = [user.id for user in users]
    if len(set(ids)) != len(ids):
        raise ConfigError(source, "sandbox.users", "a user id is listed twice", "list each once")
    return tuple(users)
