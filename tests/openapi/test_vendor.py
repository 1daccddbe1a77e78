"""Re-vendoring into a scratch copy of spec/: what is written, and what PROVENANCE.toml says."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.openapi import (
    VendorError,
    file_sha256,
    load_document,
    load_provenance,
    reduce_to_operations,
    render_yaml,
    revendor,
    spec_dir,
)
from conformance.openapi.fetch import LoadedSpec

URL = "https://docs.example.test/api-reference/openapi.json"
OPERATION_ID = "v2-bulk-update-incidents-across-workspaces"
TODAY = dt.date(2027, 1, 15)


@pytest.fixture
def scratch_spec(tmp_path: Path) -> Path:
    folder = tmp_path / "spec"
    folder.mkdir()
    for name in ("openapi.yaml", "PROVENANCE.toml", "corrections.yaml"):
        shutil.copyfile(spec_dir() / name, folder / name)
    return folder


def _published() -> dict[str, Any]:
    """The vendored operation inside a bigger document, as the vendor publishes it."""
    document = load_document()
    document["paths"] = {
        "/api/v2/gamebooks": {
            "get": {
                "operationId": "v2-list-gamebooks",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Gamebook"}
                            }
                        },
                    }
                },
            }
        },
        **document["paths"],
    }
    document["components"]["schemas"]["Gamebook"] = {"type": "object"}
    document["webhooks"] = {"incidentCreated": {"post": {"responses": {}}}}
    return document


def _json_spec(document: dict[str, Any], source: str = URL) -> LoadedSpec:
    content = json.dumps(document, indent=2).encode()
    return LoadedSpec(source=source, content=content, document=document, served_as_json=True)


def test_a_published_json_document_is_reduced_to_the_vendored_operation(
    scratch_spec: Path,
) -> None:
    result = revendor(_json_spec(_published()), scratch_spec, today=TODAY)

    written = scratch_spec / "openapi.yaml"
    assert yaml.safe_load(written.read_bytes()) == load_document()
    assert (result.changed, result.stored_as_served, result.stale_corrections) == (
        True,
        False,
        (),
    )
    provenance = load_provenance(scratch_spec / "PROVENANCE.toml")
    assert (provenance.source, provenance.operation, provenance.retrieved) == (
        URL,
        OPERATION_ID,
        TODAY,
    )
    assert provenance.sha256 == file_sha256(written) == result.provenance.sha256


def test_revendoring_an_unchanged_source_leaves_both_files_alone(scratch_spec: Path) -> None:
    revendor(_json_spec(_published()), scratch_spec, today=TODAY)
    before = {path.name: path.read_bytes() for path in scratch_spec.iterdir()}

    again = revendor(_json_spec(_published()), scratch_spec, today=TODAY + dt.timedelta(days=1))

    assert again.changed is False
    assert {path.name: path.read_bytes() for path in scratch_spec.iterdir()} == before


def test_yaml_holding_exactly_the_operation_is_stored_byte_for_byte(scratch_spec: Path) -> None:
    document = load_document()
    document["components"]["schemas"]["IncidentSource"]["enum"].append("Tanium")
    served = b"# served by the vendor\n" + yaml.safe_dump(document, sort_keys=False).encode()
    spec = LoadedSpec(source=URL, content=served, document=document, served_as_json=False)

    result = revendor(spec, scratch_spec, today=TODAY)

    assert result.stored_as_served is True
    assert (scratch_spec / "openapi.yaml").read_bytes() == served


def test_the_vendored_file_from_its_recorded_source_is_already_up_to_date(
    scratch_spec: Path,
) -> None:
    provenance_before = (scratch_spec / "PROVENANCE.toml").read_bytes()
    content = (scratch_spec / "openapi.yaml").read_bytes()
    spec = LoadedSpec(
        source=load_provenance(scratch_spec / "PROVENANCE.toml").source,
        content=content,
        document=yaml.safe_load(content),
        served_as_json=False,
    )

    result = revendor(spec, scratch_spec, today=TODAY)

    assert (result.changed, result.stored_as_served) == (False, True)
    assert (scratch_spec / "PROVENANCE.toml").read_bytes() == provenance_before


def test_a_document_without_the_operation_is_refused(scratch_spec: Path) -> None:
    before = (scratch_spec / "openapi.yaml").read_bytes()
    document = _published()
    del document["paths"]["/api/v2/incidents/across-workspaces/bulk-update"]

    with pytest.raises(VendorError) as caught:
        revendor(_json_spec(document), scratch_spec, today=TODAY)

    assert str(caught.value) == (
        f"the new document has no operation '{OPERATION_ID}'; "
        "the suite tests it, so it cannot be re-vendored from this document"
    )
    assert (scratch_spec / "openapi.yaml").read_bytes() == before


def test_a_correction_that_no_longer_fits_is_reported(scratch_spec: Path) -> None:
    # The vendor fixed S1 (id no longer nullable): the correction's `test` op fails.
    document = _published()
    schemas = document["components"]["schemas"]
    schemas["UpdateIncidentRequest"]["properties"]["id"]["type"] = "string"

    result = revendor(_json_spec(document), scratch_spec, today=TODAY)

    assert result.stale_corrections == (
        "S1: test /components/schemas/UpdateIncidentRequest/properties/id/type failed: "
        "expected ['null', 'string'], found 'string'",
    )


def test_reducing_the_vendored_document_keeps_it_whole() -> None:
    assert reduce_to_operations(load_document(), [OPERATION_ID]) == load_document()


def test_rendered_yaml_loads_back_to_the_same_document() -> None:
    document = _published()

    assert yaml.safe_load(render_yaml(document)) == document
    assert render_yaml(document) == render_yaml(json.loads(json.dumps(document)))
