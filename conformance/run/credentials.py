"""Credentials for the target, and the redaction that keeps their values out of every output."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from conformance.basic_auth import basic_authorization

__all__ = ["REDACTED", "Credential", "Redactor"]

REDACTED = "[REDACTED]"
# Headers whose values are credentials whatever they hold.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


@dataclass(frozen=True)
class Credential:
    """A service-account credential: HTTP Basic (client id + secret) or a Bearer token."""

    scheme: Literal["basic", "bearer"]
    client_id: str = ""
    secret: str = field(default="", repr=False)
    name: str = ""
    """Where the target file configures it (``auth.writer``); empty when no file does."""
    variables: tuple[str, ...] = ()
    """The environment variables its values were read from (names only, never values)."""

    def __repr__(self) -> str:
        # Dataclass repr would be safe with repr=False, but say so explicitly in logs.
        return f"Credential(scheme={self.scheme!r}, client_id={self.client_id!r}, secret=***)"

    def authorization(self) -> str:
        if self.scheme == "bearer":
            return f"Bearer {self.secret}"
        return basic_authorization(self.client_id, self.secret)

    def secret_values(self) -> tuple[str, ...]:
        """Every string that would reveal the credential if printed."""
        values = [self.secret, self.authorization().split(" ", 1)[1]]
        return tuple(value for value in values if value)


class Redactor:
    """Replaces secret values (and sensitive headers) with ``[REDACTED]``.

    Built once per run from every credential in play, and applied to everything that leaves
    the process: console lines, reports, curl reproducers and exception text.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Very short values would redact innocent text everywhere; real secrets are long.
        values = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, values))) if values else None

    @classmethod
    def for_credentials(cls, credentials: Iterable[Credential]) -> Redactor:
        return cls(value for credential in credentials for value in credential.secret_values())

    def text(self, value: str) -> str:
        return self._pattern.sub(REDACTED, value) if self._pattern else value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {name: self._header_value(name, value) for name, value in headers.items()}

    def _header_value(self, name: str, value: str) -> str:
        if name.lower() not in SENSITIVE_HEADERS:
            return self.text(value)
        scheme, _, rest = value.partition(" ")
        # Keep the scheme: "Basic [REDACTED]" still tells a reader which auth was tried.
        return f"{scheme} {REDACTED}" if rest and scheme.isalpha() else REDACTED
