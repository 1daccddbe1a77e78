"""Reading, parsing and validating a request body (C11).

The schema is the corrected spec's own ``BulkUpdateIncidentsRequest``, resolved inside the
whole document: there is no second, hand-written copy of it here.

Errors are keyed by the JSON path of the offending value (``items[0].status``), with ``""``
for the body itself. A missing required property is reported at the path it should have had
(``items[0].id``), not at the object that lacks it, so a client can map it to its field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema

from conformance.openapi.schemas import component_validator, validator_for

__all__ = [
    "BodyError",
    "ParsedBody",
    "RequestValidator",
    "batch_errors",
    "is_json_media_type",
    "json_path",
    "parse_body",
]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class BodyError(Exception):
    """A body that cannot be read as JSON at all: 400 ``BAD_REQUEST``."""


@dataclass(frozen=True)
class ParsedBody:
    present: bool
    value: Any = None


def is_json_media_type(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(content_type: str | None, raw: bytes) -> ParsedBody:
    """The JSON value of a body; an empty body is no body at all (S2 lets us answer 200)."""
    if not raw:
        return ParsedBody(present=False)
    if not is_json_media_type(content_type):
        shown = (content_type or "none")[:100]
        raise BodyError(f"unsupported content type {shown!r}: send application/json")
    try:
        return ParsedBody(present=True, value=json.loads(raw, parse_constant=_reject_constant))
    except RecursionError:
        raise BodyError("the JSON body is nested too deeply to be read") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN, over-long integers
        raise BodyError(f"the body is not valid JSON: {str(exc)[:200]}") from None


def json_path(path: Iterable[str | int]) -> str:
    """``["items", 0, "status"]`` -> ``items[0].status``; the empty path is ``""``."""
    text = ""
    for token in path:
        if isinstance(token, int):
            text += f"[{token}]"
        elif _IDENTIFIER.match(token):
            text += f".{token}" if text else token
        else:
            text += f"[{json.dumps(token)}]"
    return text


def _show(value: Any) -> str:
    return "null" if value is None else str(value)


def _requirement(error: jsonschema.ValidationError) -> str:
    """What the value must be, phrased without echoing the (possibly huge) value back."""
    if error.validator == "type":
        types = error.validator_value
        names = [types] if isinstance(types, str) else list(types)
        return "null" if names == ["null"] else "of type " + " or ".join(names)
    if error.validator == "enum":
        return "one of: " + ", ".join(_show(v) for v in error.validator_value)
    if error.validator in ("oneOf", "anyOf") and error.context:
        own = [e for e in error.context if not e.relative_path]
        return " or ".join(dict.fromkeys(_requirement(e) for e in own)) or "valid"
    return f"valid against the {error.validator!r} rule"


def _messages(error: jsonschema.ValidationError) -> Iterable[tuple[str, str]]:
    path = list(error.absolute_path)
    if error.validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        for name in error.validator_value:
            if name not in present:
                yield json_path([*path, name]), "is required"
    elif error.validator == "oneOf" and not error.context:
        # Every alternative matched: the spec's oneOf branches overlap for this value.
        yield json_path(path), "matches more than one alternative of the schema"
    else:
        yield json_path(path), f"must be {_requirement(error)}"


class RequestValidator:
    """Validates instances of one schema of the corrected spec (JSON Schema 2020-12)."""

    def __init__(
        self,
        schema_name: str = "BulkUpdateIncidentsRequest",
        document: dict[str, Any] | None = None,
    ) -> None:
        self._validator = (
            component_validator(schema_name)
            if document is None
            else validator_for(schema_name, document)
        )

    def errors(self, instance: Any) -> dict[str, list[str]]:
        """Messages keyed by JSON path; empty when the instance is valid."""
        found: dict[str, list[str]] = {}
        for error in self._validator.iter_errors(instance):
            for path, message in _messages(error):
                messages = found.setdefault(path, [])
                if message not in messages:
                    messages.append(message)
        return dict(sorted(found.items()))


def batch_errors(items: Sequence[Any], max_items: int) -> dict[str, list[str]]:
    if len(items) <= max_items:
        return {}
    return {"items": [f"must contain at most {max_items} items (got {len(items)})"]}
