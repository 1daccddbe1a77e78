"""The spec layer: the vendored OpenAPI file, its corrections and findings about it."""

from conformance.openapi.diff import ChangeClass, SpecDifference, count_by_class, diff_documents
from conformance.openapi.document import (
    BULK_UPDATE_OPERATION_ID,
    BULK_UPDATE_PATH,
    Defect,
    SpecLoadError,
    corrected_document,
    load_corrections,
    load_document,
)
from conformance.openapi.files import spec_dir, vendored_spec_path
from conformance.openapi.findings import RULES, SpecFinding, find_spec_findings
from conformance.openapi.patch import PatchError, apply_patch
from conformance.openapi.provenance import Provenance, file_sha256, load_provenance
from conformance.openapi.validation import validate_document
from conformance.openapi.vendor import (
    RevendorResult,
    VendorError,
    reduce_to_operations,
    render_yaml,
    revendor,
)

__all__ = [
    "BULK_UPDATE_OPERATION_ID",
    "BULK_UPDATE_PATH",
    "RULES",
    "ChangeClass",
    "Defect",
    "PatchError",
    "Provenance",
    "RevendorResult",
    "SpecDifference",
    "SpecFinding",
    "SpecLoadError",
    "VendorError",
    "apply_patch",
    "corrected_document",
    "count_by_class",
    "diff_documents",
    "file_sha256",
    "find_spec_findings",
    "load_corrections",
    "load_document",
    "load_provenance",
    "reduce_to_operations",
    "render_yaml",
    "revendor",
    "spec_dir",
    "validate_document",
    "vendored_spec_path",
]
