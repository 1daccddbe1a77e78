"""What a target file may say: its keys, and the error that names a broken one.

Every problem with the file or the environment becomes one ``ConfigError`` line naming the
file, the key and the fix; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from conformance.limits import LIMIT_RANGES

__all__ = ["ALLOWED_KEYS", "ConfigError", "reject_unknown_keys"]

ALLOWED_KEYS: dict[str, set[str]] = {
    "": {"name", "base_url", "production_hosts", "auth", "sandbox", "limits", "checks", "profiles"},
    "profiles": {"smoke", "default", "nightly", "release"},
    "profiles.*": {
        "property_examples",
        "invalid_examples",
        "leak_sequences",
        "fuzz_examples",
        "max_write_requests",
    },
    "auth": {"writer", "no_scope"},
    "auth.*": {"scheme", "client_id_env", "client_secret_env", "token_env"},
    "sandbox": {"writable", "foreign"},
    "sandbox.*[]": {"id", "workspace"},
    "limits": set(LIMIT_RANGES),
    "checks": {"relax", "problem_codes", "flaky"},
}


class ConfigError(ValueError):
    """A broken target file or environment; the message names the key and the fix."""

    def __init__(self, source: str, key: str, problem: str, fix: str) -> None:
        self.source, self.key, self.problem, self.fix = source, key, problem, fix
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {problem} ({fix})")


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
        child = (
            f"{scope}.*" if scope in ("auth", "sandbox") else (f"{scope}.{key}" if scope else key)
        )
        if isinstance(value, Mapping) and child in ALLOWED_KEYS:
            reject_unknown_keys(value, source, child, path)
        elif isinstance(value, list) and f"{child}[]" in ALLOWED_KEYS:
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    reject_unknown_keys(item, source, f"{child}[]", f"{path}[{index}]")
