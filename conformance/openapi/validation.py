"""Is the document a valid OpenAPI description at all?"""

from __future__ import annotations

from typing import Any

import jsonschema
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import schema_v30, schema_v31

__all__ = ["validate_document"]


def validate_document(document: dict[str, Any]) -> list[str]:
    """Human-readable reasons the document is invalid; empty when it is valid.

    The OpenAPI meta-schema runs first: the semantic validator assumes a well-shaped document
    and crashes on a malformed one instead of reporting it.
    """
    version = str(document.get("openapi", ""))
    semantic: type[OpenAPIV30SpecValidator | OpenAPIV31SpecValidator]
    if version.startswith("3.1"):
        meta, semantic = schema_v31, OpenAPIV31SpecValidator
    elif version.startswith("3.0"):
        meta, semantic = schema_v30, OpenAPIV30SpecValidator
    else:
        return [f"$.openapi: unsupported or missing OpenAPI version {version!r} (need 3.0 or 3.1)"]
    checker = jsonschema.validators.validator_for(meta)(meta)
    errors = [f"{e.json_path}: {e.message}" for e in checker.iter_errors(document)]
    if errors:
        return errors
    try:
        return [str(error.message) for error in semantic(document).iter_errors()]
    except Exception as exc:  # the validator's own crash is still a verdict
        return [f"the document could not be walked: {type(exc).__name__}: {exc}"]
