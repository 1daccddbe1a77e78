import datetime as dt

from conformance.openapi import file_sha256, load_provenance, vendored_spec_path


def test_vendored_spec_matches_recorded_sha256() -> None:
    # A hand edit of openapi.yaml (or a re-vendor without updating PROVENANCE.toml) fails here.
    assert file_sha256(vendored_spec_path()) == load_provenance().sha256


def test_provenance_records_source_operation_and_date() -> None:
    provenance = load_provenance()
    assert provenance.source == "https://docs.contraforce.com/api-reference/openapi.json"
    assert provenance.operation == "v2-bulk-update-incidents-across-workspaces"
    assert provenance.retrieved == dt.date(2026, 11, 27)


def test_vendored_spec_is_found_next_to_the_installed_package() -> None:
    path = vendored_spec_path()
    assert path.name == "openapi.yaml"
    assert (path.parent / "corrections.yaml").is_file()
    assert (path.parent / "PROVENANCE.toml").is_file()
