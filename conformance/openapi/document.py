"""Loading the vendored spec and applying the reviewed corrections to it.

``corrected_document()`` is the one place a schema comes from: the strategies, the reference
API and the schemathesis integration all read it, so nobody restates the spec by hand.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from conformance.openapi.files import corrections_path, vendored_spec_path
from conformance.openapi.patch import apply_patch

__all__ = [
    "BULK_UPDATE_OPERATION_ID",
    "BULK_UPDATE_PATH",
    "Defect",
    "SpecLoadError",
    "corrected_document",
    "load_corrections",
    "load_document",
]

BULK_UPDATE_PATH = "/api/v2/incidents/across-workspaces/bulk-update"
BULK_UPDATE_OPERATION_ID = "v2-bulk-update-incidents-across-workspaces"


class SpecLoadError(ValueError):
    """A spec or corrections file that cannot be read as the expected YAML/JSON document."""


@dataclass(frozen=True)
class Defect:
    """One known defect of the vendored spec (S1..S8 in docs/contract.md) and how it is handled."""

    id: str
    summary: str
    findings: tuple[tuple[str, str], ...]
    patch: tuple[dict[str, Any], ...] = field(default=())
    handling: str = ""


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecLoadError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecLoadError(f"{path} is not valid YAML or JSON: {exc}") from None


def load_document(path: Path | None = None) -> dict[str, Any]:
    """A fresh copy of the spec at ``path`` (the vendored one by default)."""
    if path is None:
        return copy.deepcopy(_vendored())
    document = _read_yaml(path)
    if not isinstance(document, dict):
        raise SpecLoadError(f"{path} does not hold an OpenAPI document (top level is not a map)")
    return document


@cache
def _vendored() -> dict[str, Any]:
    return load_document(vendored_spec_path())


@cache
def load_corrections(path: Path | None = None) -> tuple[Defect, ...]:
    raw = _read_yaml(path or corrections_path())
    entries = raw.get("defects") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise SpecLoadError("corrections file must hold a 'defects' list")
    return tuple(
        Defect(
            id=str(entry["id"]),
            summary=str(entry.get("summary", "")),
            findings=tuple(
                (str(item["rule"]), str(item["pointer"])) for item in entry.get("findings", [])
            ),
            patch=tuple(entry.get("patch") or ()),
            handling=str(entry.get("handling", "")),
        )
        for entry in entries
    )


@cache
def _corrected_vendored() -> dict[str, Any]:
    document = load_document()
    for defect in load_corrections():
        apply_patch(document, defect.patch)
    return document


def corrected_document(document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The spec with every correction applied: a fresh copy, safe to mutate.

    Passing ``document`` applies the corrections to another copy of the spec (a re-vendored
    or modified one); a correction whose ``test`` no longer matches raises ``PatchError``.
    """
    if document is None:
        return copy.deepcopy(_corrected_vendored())
    patched = copy.deepcopy(document)
    for defect in load_corrections():
        apply_patch(patched, defect.patch)
    return patched
