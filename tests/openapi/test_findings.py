from pathlib import Path

import pytest

from conformance.openapi import find_spec_findings, load_corrections, load_document

FIXTURES = Path(__file__).parent.parent / "fixtures" / "specs"
OPERATION = "/paths/~1api~1v2~1incidents~1across-workspaces~1bulk-update/post"


def test_vendored_spec_findings_name_each_known_defect() -> None:
    findings = find_spec_findings(load_document(), load_corrections())
    labelled = {(f.defect, f.rule, f.pointer) for f in findings}
    assert labelled == {
        ("S1", "required-nullable", "/components/schemas/UpdateIncidentRequest/properties/id"),
        ("S2", "optional-request-body", f"{OPERATION}/requestBody"),
        ("S3", "no-security-schemes", "/components/securitySchemes"),
        ("S3", "undeclared-auth-scheme", f"{OPERATION}/responses/401/description"),
        ("S4", "empty-servers", "/servers"),
        (
            "S5",
            "nullable-request-array",
            "/components/schemas/BulkUpdateIncidentsRequest/properties/items",
        ),
        ("S6", "multi-type-with-format", "/components/schemas/ApiProblemDetails/properties/status"),
        ("S7", "untyped-nullable-enum", "/components/schemas/Classification"),
        ("S7", "untyped-nullable-enum", "/components/schemas/ClassificationReason"),
        (
            "S7",
            "oneof-null-overlap",
            "/components/schemas/UpdateIncidentRequest/properties/classification",
        ),
        (
            "S7",
            "oneof-null-overlap",
            "/components/schemas/UpdateIncidentRequest/properties/classificationReason",
        ),
        (
            "S8",
            "unbounded-request-array",
            "/components/schemas/BulkUpdateIncidentsRequest/properties/items",
        ),
    }


def test_clean_spec_has_no_findings() -> None:
    assert find_spec_findings(load_document(FIXTURES / "clean.yaml")) == []


@pytest.mark.parametrize(
    ("fragment", "rule", "pointer"),
    [
        pytest.param(
            {
                "components": {
                    "schemas": {
                        "T": {"required": ["a"], "properties": {"a": {"type": ["string", "null"]}}}
                    }
                }
            },
            "required-nullable",
            "/components/schemas/T/properties/a",
            id="nullable-type-required",
        ),
        pytest.param(
            {
                "components": {
                    "schemas": {
                        "T": {
                            "required": ["a"],
                            "properties": {"a": {"oneOf": [{"type": "null"}, {"type": "string"}]}},
                        }
                    }
                }
            },
            "required-nullable",
            "/components/schemas/T/properties/a",
            id="nullable-oneof-required",
        ),
        pytest.param(
            {"components": {"schemas": {"T": {"type": ["integer", "string"], "format": "int32"}}}},
            "multi-type-with-format",
            "/components/schemas/T",
            id="multi-type-format",
        ),
        pytest.param(
            {"components": {"schemas": {"T": {"enum": ["x", None]}}}},
            "untyped-nullable-enum",
            "/components/schemas/T",
            id="untyped-nullable-enum",
        ),
        pytest.param({"servers": []}, "empty-servers", "/servers", id="empty-servers"),
    ],
)
def test_rules_are_generic(fragment: dict, rule: str, pointer: str) -> None:  # type: ignore[type-arg]
    document = load_document(FIXTURES / "clean.yaml")
    for key, value in fragment.items():
        if isinstance(value, dict):
            document.setdefault(key, {}).setdefault("schemas", {}).update(value["schemas"])
        else:
            document[key] = value
    findings = find_spec_findings(document)
    assert [(f.rule, f.pointer, f.defect) for f in findings] == [(rule, pointer, None)]
