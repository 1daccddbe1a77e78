"""Reading one value of a target file: a table, a list, a non-empty string.

Each reader names the key and the fix when the value is not what the format wants, so every
section of the file (``conformance.run.target``, ``conformance.run.sandbox_config``,
``conformance.run.readback_config``) words its errors the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.run.config_error import ConfigError

__all__ = ["list_value", "optional_string", "string", "table"]


def table(
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


def string(value: Any, key: str, source: str, example: str = '"..."') -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            source, key, f"must be a non-empty string, got {value!r}", f"set {key} = {example}"
        )
    return value


def optional_string(value: Any, key: str, source: str) -> str | None:
    return None if value is None else string(value, key, source)


def list_value(value: Any, key: str, source: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(
            source, key, f"must be a list, got {type(value).__name__}", f"write {key} = [...]"
        )
    return value
