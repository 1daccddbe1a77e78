"""What a check looks at: one request, the response it got, and what the request was meant to be.

Nothing here performs I/O or imports an HTTP client. ``Response`` is a Protocol that
``httpx.Response`` satisfies as it is; other transports adapt to it (see the schemathesis
adapter).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final, Literal, Protocol, TypeAlias, get_args

from conformance.sandbox import Outcome

__all__ = [
    "NO_BODY",
    "AuthIntent",
    "BodyIntent",
    "Exchange",
    "Intent",
    "JsonValue",
    "NoBody",
    "NotJson",
    "Operation",
    "Request",
    "RequestBody",
    "Response",
    "header_value",
    "media_type",
    "parse_json",
]

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None


class NoBody:
    """The request carried no body at all (S2: a bodiless POST is schema-valid)."""

    _instance: NoBody | None = None

    def __new__(cls) -> NoBody:
        # One instance, so that ``body is NO_BODY`` reads naturally.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Final = NoBody()


@dataclass(frozen=True, slots=True)
class NotJson:
    """A body that is not JSON; the raw bytes are kept for reports and reproducers."""

    raw: bytes


RequestBody: TypeAlias = JsonValue | NoBody | NotJson

AuthIntent = Literal["valid", "missing", "invalid", "no_scope"]
BodyIntent = Literal["valid", "invalid", "unknown"]
Operation = Literal["bulk_update", "read"]


def parse_json(content: bytes | str | None) -> JsonValue | NoBody | NotJson:
    """Parse a body strictly: empty is no body; what is not RFC 8259 JSON is kept raw."""
    if content is None or len(content) == 0:
        return NO_BODY
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    try:
        value: JsonValue = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError and UnicodeDecodeError; absurd nesting is not
        # JSON a server should send either.
        return NotJson(raw)
    return value


def _reject_constant(name: str) -> JsonValue:
    # Python's json accepts NaN and Infinity; JSON does not.
    raise ValueError(f"{name} is not JSON")


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup that works on any mapping, not just httpx.Headers."""
    wanted = name.lower()
    values = [value for key, value in headers.items() if str(key).lower() == wanted]
    if not values:
        return None
    return ", ".join(_header_text(value) for value in values)


def _header_text(value: object) -> str:
    # Some transports keep repeated headers as lists; HTTP folds them with commas.
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def media_type(content_type: str | None) -> str | None:
    """``application/problem+json; charset=utf-8`` -> ``application/problem+json``."""
    if content_type is None:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


@dataclass(frozen=True)
class Request:
    """The request as sent. ``body`` is parsed JSON, ``NO_BODY``, or ``NotJson(raw)``."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: RequestBody = NO_BODY

    @classmethod
    def from_content(
        cls,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | str | None,
    ) -> Request:
        """Build a request from the bytes that went on the wire."""
        return cls(method=method, url=url, headers=headers, body=parse_json(content))

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)


class Response(Protocol):
    """The part of a response the checks read; ``httpx.Response`` satisfies it as it is."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def content(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Intent:
    """What the runner meant the request to be, so that status-mapping checks know what to expect.

    ``auth``
        ``"valid"``: a credential with the scope to update incidents (nothing is asserted
        about authentication); ``"missing"`` / ``"invalid"``: no, malformed or wrong
        credentials, so 401 is expected (C12, C13); ``"no_scope"``: a valid credential
        without the write scope, so 403 is expected (C14).
    ``body``
        ``"invalid"``: the runner made the body violate the corrected schema (a wrong type,
        an unknown enum string, a missing or null ``id``, not JSON, not an object), so an
        authenticated request expects 400 (C11). ``"valid"``: the runner believes the body
        is schema-valid; this asserts no status by itself (a schema-valid body may still
        get 400 under S1, S2, S5 or a batch cap, S8), but it lets C12 and C14 blame a 400 on
        the server rather than on the body. ``"unknown"``: no claim either way.
    ``violation_path``
        Where the runner broke the body, for example ``items[2].classification``; it is
        only used to say where in failure messages.
    ``expected``
        The C20 outcome per requested id, as returned by
        ``conformance.sandbox.expected_outcomes``; ``None`` skips C20.
    ``operation``
        ``"bulk_update"``: the request went to the bulk update, so a 2xx carries its outcome
        (C16 to C20). ``"read"``: a read-back GET (C21), judged by the envelope and problem
        clauses only; its ``data`` is an incident, not an outcome.
    """

    auth: AuthIntent = "valid"
    body: BodyIntent = "unknown"
    violation_path: str | None = None
    expected: Mapping[str, Outcome | None] | None = None
    operation: Operation = "bulk_update"

    def __post_init__(self) -> None:
        # Literal types are not enforced at runtime; a typo would silently disable checks.
        if self.auth not in get_args(AuthIntent):
            raise ValueError(f"unknown auth intent {self.auth!r}")
        if self.body not in get_args(BodyIntent):
            raise ValueError(f"unknown body intent {self.body!r}")
        if self.operation not in get_args(Operation):
            raise ValueError(f"unknown operation {self.operation!r}")


@dataclass(frozen=True)
class Exchange:
    """One request, its response, and the intent behind the request."""

    request: Request
    response: Response
    intent: Intent = field(default_factory=Intent)

    @cached_property
    def response_body(self) -> JsonValue | NoBody | NotJson:
        """The response body parsed once, strictly; a bad body becomes a failure, not a crash."""
        return parse_json(bytes(self.response.content or b""))

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def content_type(self) -> str | None:
        return header_value(self.response.headers, "Content-Type")
