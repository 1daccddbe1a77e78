"""The published JSON Schema (docs/report.schema.json) and the hook that applies it to tests."""

from __future__ import annotations

import json
from pathlib import Path

from support.report_schema import UNCHECKED_PREFIX, report_errors, reports_under

from conformance.reports import REPORT_SCHEMA_VERSION, RunReport, write_json


def _written(tmp_path: Path, name: str = "r.json") -> tuple[Path, dict[str, object]]:
    path = tmp_path / name
    write_json(RunReport("t", "https://t", "smoke", 1), path)
    return path, json.loads(path.read_text())


def test_a_written_report_conforms_and_says_its_version(tmp_path: Path) -> None:
    _, document = _written(tmp_path)
    assert document["schema_version"] == REPORT_SCHEMA_VERSION
    assert report_errors(document) == []


def test_a_renamed_key_breaks_the_schema(tmp_path: Path) -> None:
    _, document = _written(tmp_path)
    document["failures"] = document.pop("findings")
    assert report_errors(document) == [
        "$: 'findings' is a required property",
        "$: Additional properties are not allowed ('failures' was unexpected)",
    ]


def test_the_hook_finds_reports_but_not_those_named_unchecked(tmp_path: Path) -> None:
    path, _ = _written(tmp_path / "deep")
    _written(tmp_path, f"{UNCHECKED_PREFIX}older.json")
    (tmp_path / "other.json").write_text('{"not": "a report"}')
    assert [found for found, _ in reports_under(tmp_path)] == [path]
