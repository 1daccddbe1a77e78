import pytest

from conformance.openapi import (
    PatchError,
    corrected_document,
    find_spec_findings,
    load_corrections,
    load_document,
)

ID_POINTER = ("components", "schemas", "UpdateIncidentRequest", "properties", "id")


def _id_schema(document: dict) -> dict:  # type: ignore[type-arg]
    node = document
    for token in ID_POINTER:
        node = node[token]
    return node


def test_every_known_defect_has_an_entry() -> None:
    assert [defect.id for defect in load_corrections()] == [f"S{n}" for n in range(1, 9)]


def test_s1_makes_id_a_required_string() -> None:
    document = corrected_document()
    assert _id_schema(document) == {"type": "string"}
    assert "id" in document["components"]["schemas"]["UpdateIncidentRequest"]["required"]


def test_s3_declares_basic_and_bearer() -> None:
    document = corrected_document()
    assert document["components"]["securitySchemes"] == {
        "basic": {"type": "http", "scheme": "basic"},
        "bearer": {"type": "http", "scheme": "bearer"},
    }
    assert document["security"] == [{"basic": []}, {"bearer": []}]


def test_corrections_never_touch_the_vendored_copy() -> None:
    corrected_document()["paths"].clear()
    assert _id_schema(load_document())["type"] == ["null", "string"]
    assert corrected_document()["paths"]


def test_every_patched_defect_clears_its_findings() -> None:
    defects = load_corrections()
    remaining = {f.defect for f in find_spec_findings(corrected_document(), defects)}
    for defect in defects:
        if defect.patch:
            assert defect.id not in remaining


def test_a_correction_that_no_longer_fits_fails_loudly() -> None:
    # The vendor fixed S1 upstream: the `test` op must notice rather than patch blindly.
    document = load_document()
    _id_schema(document)["type"] = "string"
    with pytest.raises(PatchError, match=r"test /components/schemas/UpdateIncidentRequest"):
        corrected_document(document)
