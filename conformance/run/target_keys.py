"""What a target file may say: its keys, and the error that names a broken one.

Every problem with the file or the environment becomes one ``ConfigError`` line naming the
file, the key and the fix; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from conformance.limits import LIMIT_RANGES
from conformance.run.config_error import ConfigError
from conformance.run.readback_config import FIELDS

__all__ = ["ALLOWED_KEYS", "ConfigError", "reject_unknown_keys"]

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
    "limits": set(LIMIT_RANGES),
    "checks": {"relax", "problem_codes", "flaky"},
}


def reject_unknown_keys(
    node: Mapping[str, Any], source: str, scope: str = "", where: str = ""
) -> None:
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
            reject_unknown_keys(value, source, child, path)
        elif isinstance(value, list) and f"{child}[]" in ALLOWED_KEYS:
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    reject_unknown_keys(item, source, f"{child}[]", f"{path}[{index}]")
