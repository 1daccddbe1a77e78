"""Helpers for the strategy tests: a Draft 2020-12 validator over the corrected document."""

from collections.abc import Callable, Mapping
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from strategies import is_int32

SPEC_URI = "urn:contraforce-spec"

Validator = Callable[[str], jsonschema.Draft202012Validator]


def make_validator(document: Mapping[str, Any], ref: str) -> jsonschema.Draft202012Validator:
    """A validator for the schema at ``ref`` ("#/components/schemas/X") inside ``document``.

    ``format`` is an annotation in 2020-12 unless a checker asserts it; int32 is asserted
    here because the strategies promise to stay within it (S6).
    """
    resource = Resource.from_contents(dict(document), default_specification=DRAFT202012)
    formats = jsonschema.FormatChecker()
    formats.checks("int32")(is_int32)
    return jsonschema.Draft202012Validator(
        {"$ref": f"{SPEC_URI}{ref}"},
        registry=Registry().with_resource(SPEC_URI, resource),
        format_checker=formats,
    )
