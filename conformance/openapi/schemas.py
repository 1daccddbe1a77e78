"""JSON Schema validators for the corrected spec's component schemas (Draft 2020-12)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.openapi.document import corrected_document

__all__ = ["DOCUMENT_URI", "component_validator", "validator_for"]

DOCUMENT_URI = "urn:contraforce:openapi"


def validator_for(schema_name: str, document: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for ``#/components/schemas/<schema_name>``, resolving refs in ``document``."""
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
    root = {"$ref": f"{DOCUMENT_URI}#/components/schemas/{schema_name}"}
    return jsonschema.Draft202012Validator(root, registry=registry)


@cache
def component_validator(schema_name: str) -> jsonschema.Draft202012Validator:
    """The validator for a schema of the corrected vendored spec, built once."""
    return validator_for(schema_name, corrected_document())
