"""The published JSON Schema of the JSON report (docs/report.schema.json), for the tests.

``tests/conftest.py`` validates every JSON report a test leaves in its ``tmp_path`` with it,
so a change to the report that the schema (and its documentation) does not follow fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
UNCHECKED_PREFIX = "unchecked-"
"""A test that writes a partial report, or one of an older version, on purpose names its
file so."""

_VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def report_errors(document: Any) -> list[str]:
    """Every way ``document`` breaks the schema, one line each (empty when it conforms)."""
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(_VALIDATOR.iter_errors(document), key=lambda e: e.json_path)
    ]


def is_report(document: Any) -> bool:
    """Whether a JSON file holds a run's report (of any version), as opposed to other JSON."""
    return isinstance(document, dict) and (
        "schema_version" in document or {"clauses", "stats"} <= document.keys()
    )


def reports_under(directory: Path) -> list[tuple[Path, Any]]:
    """The JSON reports in ``directory`` (recursively), but those named as unchecked."""
    found = []
    for path in sorted(directory.rglob("*.json")):
        if path.name.startswith(UNCHECKED_PREFIX):
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if is_report(document):
            found.append((path, document))
    return found
