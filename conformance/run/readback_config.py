"""The target file's read-back keys (C21): ``[readback]``, its fields and its comments.

The vendor documents the read operation's path, not its answer, so where each field sits in
the answer is configured as a JSONPath. Each key is checked here, before anything is sent:
a path that names an unknown placeholder, a JSONPath that does not parse or a credential
that no ``[auth.*]`` table defines is a ``ConfigError`` (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonpath

from conformance.run.config_error import ConfigError
from conformance.run.target_values import string
from conformance.sandbox import PLACEHOLDERS, Sandbox, placeholders

__all__ = [
    "DEFAULT_DEADLINE_SECONDS",
    "FIELDS",
    "CommentsConfig",
    "JsonPathQuery",
    "ReadbackConfig",
    "parse_readback",
]

FIELDS = ("status", "classification", "classificationReason", "assignee")
"""The incident fields an update sets that a read can show (``[readback.fields]`` keys)."""
DEFAULT_DEADLINE_SECONDS = 15.0
DEADLINE_RANGE = (0.1, 600.0)


@dataclass(frozen=True)
class JsonPathQuery:
    """A configured JSONPath, parsed once."""

    text: str
    _compiled: Any = field(compare=False, repr=False)

    @classmethod
    def parse(cls, text: str) -> JsonPathQuery:
        """Raises ``jsonpath.JSONPathError`` when ``text`` is not a JSONPath."""
        return cls(text, jsonpath.compile(text))

    def find(self, value: object) -> list[object]:
        """Every value the path selects in ``value`` (an empty list: it selects nothing)."""
        return list(self._compiled.findall(value))

    @property
    def reads_email(self) -> bool:
        """Does the path end at an email (``$.owner.mail``), not an id? For the assignee."""
        names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", self.text)
        return bool(names) and "mail" in names[-1].lower()


@dataclass(frozen=True)
class CommentsConfig:
    path: str
    messages: JsonPathQuery


@dataclass(frozen=True)
class ReadbackConfig:
    """How to read a sandbox incident back, and how long an accepted update may take."""

    path: str
    incident: JsonPathQuery
    fields: Mapping[str, JsonPathQuery]
    credential: str = "writer"
    observer: str | None = None
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS
    comments: CommentsConfig | None = None

    @property
    def paths(self) -> tuple[str, ...]:
        """The read path templates the read rule allows."""
        return (self.path,) if self.comments is None else (self.path, self.comments.path)


def parse_readback(
    table: Mapping[str, Any] | None, *, source: str, sandbox: Sandbox, auth: Collection[str]
) -> ReadbackConfig | None:
    """The ``[readback]`` table checked; ``auth`` names the ``[auth.*]`` tables the file has."""
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise ConfigError(source, "readback", "must be a table", "write it as [readback]")
    fields_table = table.get("fields", {})
    if not isinstance(fields_table, Mapping):
        raise ConfigError(
            source, "readback.fields", "must be a table", "write it as [readback.fields]"
        )
    config = ReadbackConfig(
        path=_path(table.get("path"), "readback.path", source, sandbox),
        incident=_query(table.get("incident", "$"), "readback.incident", source),
        fields={
            name: _query(value, f"readback.fields.{name}", source)
            for name, value in fields_table.items()
        },
        credential=_credential_name(table.get("credential", "writer"), "credential", auth, source),
        observer=(
            None
            if table.get("observer") is None
            else _credential_name(table["observer"], "observer", auth, source)
        ),
        deadline_seconds=_deadline(table.get("deadline_seconds", DEFAULT_DEADLINE_SECONDS), source),
        comments=_comments(table.get("comments"), source, sandbox),
    )
    if not config.fields and config.comments is None:
        raise ConfigError(
            source,
            "readback.fields",
            "no field to read back",
            'list at least one, e.g. [readback.fields] status = "$.status", or [readback.comments]',
        )
    return config


def _path(value: Any, key: str, source: str, sandbox: Sandbox) -> str:
    example = '"/api/v2/workspaces/{workspace}/incidents/{source}/{id}"'
    path = string(value, key, source, example)
    if not path.startswith("/"):
        raise ConfigError(
            source, key, f"must be a path from base_url, got {path!r}", f"set {key} = {example}"
        )
    try:
        names = placeholders(path)
    except ValueError as exc:
        raise ConfigError(source, key, f"not a path template: {exc}", f"use {example}") from None
    unknown = sorted(set(names) - set(PLACEHOLDERS))
    if unknown:
        raise ConfigError(
            source,
            key,
            f"unknown placeholder {{{unknown[0]}}}",
            "use only {workspace}, {source} and {id}",
        )
    if "id" not in names:
        raise ConfigError(source, key, "does not name the incident ({id})", f"use {example}")
    if "source" in names:
        _require_sources(sandbox, key, source)
    return path


def _require_sources(sandbox: Sandbox, key: str, source: str) -> None:
    for kind, incidents in (("writable", sandbox.writable), ("foreign", sandbox.foreign)):
        for index, incident in enumerate(incidents):
            if incident.source is None:
                raise ConfigError(
                    source,
                    f"sandbox.{kind}[{index}].source",
                    f"missing: {key} needs each incident's {{source}}",
                    f'add source = "..." (e.g. "Sentinel") to incident {incident.id!r}',
                )


def _query(value: Any, key: str, source: str) -> JsonPathQuery:
    text = string(value, key, source, '"$.status"')
    try:
        return JsonPathQuery.parse(text)
    except jsonpath.JSONPathError as exc:
        problem = str(exc).splitlines()[0]
        raise ConfigError(
            source, key, f"not a JSONPath: {problem}", 'write a JSONPath such as "$.data.status"'
        ) from None


def _credential_name(value: Any, name: str, auth: Collection[str], source: str) -> str:
    key = f"readback.{name}"
    text = string(value, key, source, '"writer"')
    if text not in auth:
        tables = ", ".join(sorted(auth))
        raise ConfigError(
            source,
            key,
            f"names no credential: there is no [auth.{text}] table",
            f"name one of: {tables}, or add [auth.{text}]",
        )
    return text


def _deadline(value: Any, source: str) -> float:
    low, high = DEADLINE_RANGE
    key = "readback.deadline_seconds"
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(
            source,
            key,
            f"must be a number of seconds between {low} and {high:g}, got {value!r}",
            "set deadline_seconds = 15 (how long an accepted update may take to show)",
        )
    return float(value)


def _comments(value: Any, source: str, sandbox: Sandbox) -> CommentsConfig | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError(
            source, "readback.comments", "must be a table", "write it as [readback.comments]"
        )
    return CommentsConfig(
        path=_path(value.get("path"), "readback.comments.path", source, sandbox),
        messages=_query(value.get("messages"), "readback.comments.messages", source),
    )
