"""Hypothesis strategies derived from the vendored spec, plus sandbox-aware domain strategies.

``from_schema`` / ``invalid_examples`` walk any schema of the (corrected) document;
``bulk_update_requests`` / ``invalid_bulk_update_requests`` build on them for the bulk
endpoint. ``conformance.adapters.schemathesis_hooks`` gives schemathesis the same fixes; it
lives outside this package, which imports nothing of schemathesis.
"""

from strategies.bulk import (
    DEFAULT_MAX_ITEMS,
    BulkUpdateExample,
    bulk_update_requests,
    bulk_update_schema,
    invalid_bulk_update_requests,
    item_enum_fields,
    not_strict_json_bulk_requests,
)
from strategies.classification import DOCUMENTED_REASONS, ClassificationPairs, is_documented_pair
from strategies.formats import is_int32
from strategies.generate import (
    NoInvalidValueError,
    SchemaLike,
    from_schema,
    invalid_examples,
    schema_node,
)
from strategies.schema_compiler import UnsupportedSchemaError
from strategies.violations import Violation, ViolationKind, render_path

__all__ = [
    "DEFAULT_MAX_ITEMS",
    "DOCUMENTED_REASONS",
    "BulkUpdateExample",
    "ClassificationPairs",
    "NoInvalidValueError",
    "SchemaLike",
    "UnsupportedSchemaError",
    "Violation",
    "ViolationKind",
    "bulk_update_requests",
    "bulk_update_schema",
    "from_schema",
    "invalid_bulk_update_requests",
    "invalid_examples",
    "is_documented_pair",
    "is_int32",
    "item_enum_fields",
    "not_strict_json_bulk_requests",
    "render_path",
    "schema_node",
]
