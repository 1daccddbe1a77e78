"""Findings about the spec itself, detected by generic rules rather than a list of known ones.

Each rule looks for a shape that makes a spec ambiguous to test against (a required field
that may be null, an unbounded request array, ...). Where a finding is one of the known
defects recorded in ``corrections.yaml``, it carries that defect's id (S1..S8).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from conformance.openapi.document import Defect
from conformance.openapi.pointer import follow_refs, join

__all__ = ["RULES", "SpecFinding", "find_spec_findings"]

WRITE_METHODS = ("post", "put", "patch", "delete")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Auth schemes a response description may name, with the securitySchemes shape declaring it.
AUTH_WORDS = {"bearer": ("http", "bearer"), "basic": ("http", "basic")}
_AUTH_PATTERN = re.compile(r"\b(bearer|basic)\b(?=\s+(?:token|auth|credential))", re.IGNORECASE)

RULES = {
    "required-nullable": "a required property whose schema admits null",
    "optional-request-body": "a write operation whose requestBody is not marked required",
    "undeclared-auth-scheme": "a response names an auth scheme no securitySchemes entry declares",
    "no-security-schemes": "the document declares no securitySchemes",
    "empty-servers": "servers is empty, so the base URL must come from elsewhere",
    "unbounded-request-array": "an array in a request body without maxItems",
    "nullable-request-array": "an array in a request body that may also be null",
    "multi-type-with-format": "several non-null types combined with format or pattern",
    "untyped-nullable-enum": "an enum containing null that declares no type",
    "oneof-null-overlap": "a oneOf in which several branches admit null, so null is invalid",
}


@dataclass(frozen=True)
class SpecFinding:
    rule: str
    pointer: str
    message: str
    defect: str | None = None

    def __str__(self) -> str:
        label = f"[{self.defect}] " if self.defect else ""
        return f"{label}{self.rule} {self.pointer}: {self.message}"


def find_spec_findings(
    document: dict[str, Any], defects: Sequence[Defect] = ()
) -> list[SpecFinding]:
    """Every finding in ``document``, in document order, labelled with known defect ids."""
    known = {finding: defect.id for defect in defects for finding in defect.findings}
    raw = [
        *_servers(document),
        *_security(document),
        *_operations(document),
        *_schemas(document),
        *_request_arrays(document),
    ]
    unique = list(dict.fromkeys(raw))
    return [
        SpecFinding(rule, pointer, message, known.get((rule, pointer)))
        for rule, pointer, message in unique
    ]


Raw = tuple[str, str, str]


def _servers(document: dict[str, Any]) -> Iterator[Raw]:
    if not document.get("servers"):
        yield "empty-servers", "/servers", "no server is declared; the base URL must be configured"


def _declared_schemes(document: dict[str, Any]) -> dict[str, Any]:
    schemes = (document.get("components") or {}).get("securitySchemes")
    return schemes if isinstance(schemes, dict) else {}


def _security(document: dict[str, Any]) -> Iterator[Raw]:
    schemes = _declared_schemes(document)
    if not schemes:
        yield (
            "no-security-schemes",
            "/components/securitySchemes",
            "no security scheme is declared, so generic tools cannot tell the API needs auth",
        )
    declared = {
        (str(s.get("type", "")).lower(), str(s.get("scheme", "")).lower())
        for s in schemes.values()
        if isinstance(s, dict)
    }
    for pointer, operation in _iter_operations(document):
        for status, response in (operation.get("responses") or {}).items():
            description = response.get("description", "") if isinstance(response, dict) else ""
            for word in {m.lower() for m in _AUTH_PATTERN.findall(str(description))}:
                if AUTH_WORDS[word] not in declared:
                    yield (
                        "undeclared-auth-scheme",
                        f"{pointer}/responses/{status}/description",
                        f"mentions {word.title()} auth, which no securitySchemes entry declares",
                    )


def _iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict):
                yield join("paths", path, method), operation


def _operations(document: dict[str, Any]) -> Iterator[Raw]:
    for pointer, operation in _iter_operations(document):
        method = pointer.rsplit("/", 1)[-1]
        body = operation.get("requestBody")
        if method in WRITE_METHODS and isinstance(body, dict) and body.get("required") is not True:
            yield (
                "optional-request-body",
                f"{pointer}/requestBody",
                f"{method.upper()} accepts a missing body as schema-valid",
            )


def _iter_schemas(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object nested in ``node``, with its pointer (no ``$ref`` following)."""
    if not isinstance(node, dict):
        return
    yield pointer, node
    for name, child in (node.get("properties") or {}).items():
        yield from _iter_schemas(child, f"{pointer}/properties/{join(name)[1:]}")
    for key in ("items", "additionalProperties", "not"):
        yield from _iter_schemas(node.get(key), f"{pointer}/{key}")
    for key in ("oneOf", "anyOf", "allOf", "prefixItems"):
        for index, child in enumerate(node.get(key) or []):
            yield from _iter_schemas(child, f"{pointer}/{key}/{index}")


def _all_schemas(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, schema in ((document.get("components") or {}).get("schemas") or {}).items():
        yield from _iter_schemas(schema, join("components", "schemas", name))
    for pointer, operation in _iter_operations(document):
        body = operation.get("requestBody") or {}
        for media, content in (body.get("content") or {}).items():
            yield from _iter_schemas(
                content.get("schema"), f"{pointer}/requestBody/content/{join(media)[1:]}/schema"
            )


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, list):
        return [str(t) for t in declared]
    return [str(declared)] if declared is not None else []


def _is_nullable(document: dict[str, Any], schema: Any) -> bool:
    schema = follow_refs(document, schema)
    if not isinstance(schema, dict):
        return False
    if "null" in _types(schema) or None in (schema.get("enum") or []):
        return True
    return any(_is_nullable(document, branch) for branch in schema.get("oneOf") or []) or any(
        _is_nullable(document, branch) for branch in schema.get("anyOf") or []
    )


def _schemas(document: dict[str, Any]) -> Iterator[Raw]:
    for pointer, schema in _all_schemas(document):
        properties = schema.get("properties") or {}
        for name in schema.get("required") or []:
            if name in properties and _is_nullable(document, properties[name]):
                yield (
                    "required-nullable",
                    f"{pointer}/properties/{join(name)[1:]}",
                    f"'{name}' is required but its schema admits null",
                )
        non_null = [t for t in _types(schema) if t != "null"]
        keywords = [k for k in ("format", "pattern") if k in schema]
        if len(non_null) > 1 and keywords:
            yield (
                "multi-type-with-format",
                pointer,
                f"types {non_null} combined with {' and '.join(keywords)}",
            )
        if "enum" in schema and "type" not in schema and None in schema["enum"]:
            yield "untyped-nullable-enum", pointer, "enum lists null but declares no type"
        nullable_branches = sum(_is_nullable(document, b) for b in schema.get("oneOf") or [])
        if nullable_branches > 1:
            yield (
                "oneof-null-overlap",
                pointer,
                f"{nullable_branches} oneOf branches admit null, so JSON Schema rejects null",
            )


def _request_arrays(document: dict[str, Any]) -> Iterator[Raw]:
    """Arrays reachable from a request body, following ``$ref`` into components."""
    pending: list[tuple[str, Any]] = []
    for pointer, operation in _iter_operations(document):
        for media, content in ((operation.get("requestBody") or {}).get("content") or {}).items():
            schema_pointer = f"{pointer}/requestBody/content/{join(media)[1:]}/schema"
            pending.append((schema_pointer, content.get("schema")))
    seen: set[str] = set()
    while pending:
        start, root = pending.pop(0)
        for pointer, schema in _iter_schemas(root, start):
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith("#") and ref not in seen:
                seen.add(ref)
                pending.append((ref[1:], follow_refs(document, schema)))
            if "array" in _types(schema):
                if "maxItems" not in schema:
                    yield "unbounded-request-array", pointer, "no maxItems: the cap is unknown"
                if "null" in _types(schema):
                    yield (
                        "nullable-request-array",
                        pointer,
                        "null, missing and empty arrays are all schema-valid",
                    )
