"""Re-vendoring: replacing ``spec/openapi.yaml`` with a newer copy and recording its provenance.

What gets written. The vendored file holds only the suite's operations (those already in it,
named by ``operation`` in PROVENANCE.toml) plus the components they reach; the vendor
publishes its whole API in one JSON document. So:

- if the source is YAML that already holds exactly that subset, its bytes are stored as
  served, byte for byte;
- otherwise (JSON, or a document with more operations) the subset is extracted, keeping the
  source's key order, and written as YAML by ``render_yaml``: deterministic, so that
  re-vendoring an unchanged source gives an identical file and an empty ``git diff``.

PROVENANCE.toml's ``sha256`` is always that of the file written, which is what the
provenance test checks.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from conformance.openapi.document import SpecLoadError, load_corrections, load_document
from conformance.openapi.patch import PatchError, apply_patch
from conformance.openapi.pointer import resolve, split
from conformance.openapi.provenance import Provenance, file_sha256, load_provenance

if TYPE_CHECKING:
    # Type only: importing fetch (and httpx) at run time would pull the network stack into
    # the spec layer.
    from conformance.openapi.fetch import LoadedSpec

__all__ = [
    "RevendorResult",
    "VendorError",
    "reduce_to_operations",
    "render_yaml",
    "revendor",
    "write_provenance",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PROVENANCE_HEADER = (
    "# Where the vendored spec came from. `tests/openapi/test_provenance.py` fails when\n"
    "# openapi.yaml and the sha256 below disagree; re-vendor with `nox -s spec-update -- URL`.\n"
)


class VendorError(ValueError):
    """The new document cannot replace the vendored one (it lacks the suite's operation)."""


@dataclass(frozen=True)
class RevendorResult:
    spec_path: Path
    provenance: Provenance
    changed: bool
    """False when the file and its source were already what re-vendoring would write."""
    stored_as_served: bool
    """True when the served bytes were written unchanged; False when extracted and converted."""
    stale_corrections: tuple[str, ...]
    """One message per correction in corrections.yaml that no longer fits the new file."""


def revendor(spec: LoadedSpec, spec_dir: Path, *, today: dt.date | None = None) -> RevendorResult:
    """Write ``spec`` as ``spec_dir/openapi.yaml`` and update ``spec_dir/PROVENANCE.toml``."""
    spec_path, provenance_path = spec_dir / "openapi.yaml", spec_dir / "PROVENANCE.toml"
    old_provenance = load_provenance(provenance_path)
    operation_ids = _operation_ids(load_document(spec_path)) or [old_provenance.operation]
    reduced = reduce_to_operations(spec.document, operation_ids)
    stored_as_served = not spec.served_as_json and reduced == spec.document
    content = spec.content if stored_as_served else render_yaml(reduced)
    unchanged = spec_path.read_bytes() == content and old_provenance.source == spec.source
    provenance = old_provenance
    if not unchanged:
        spec_path.write_bytes(content)
        provenance = Provenance(
            source=spec.source,
            operation=old_provenance.operation,
            retrieved=today or dt.date.today(),
            sha256=file_sha256(spec_path),
        )
        write_provenance(provenance_path, provenance)
    return RevendorResult(
        spec_path=spec_path,
        provenance=provenance,
        changed=not unchanged,
        stored_as_served=stored_as_served,
        stale_corrections=_stale_corrections(reduced, spec_dir / "corrections.yaml"),
    )


def reduce_to_operations(
    document: Mapping[str, Any], operation_ids: Iterable[str]
) -> dict[str, Any]:
    """``document`` with only the given operations and the components they reach.

    Security schemes are kept whole: security requirements name them, not ``$ref`` them.
    """
    wanted = set(operation_ids)
    paths: dict[str, Any] = {}
    found: set[str] = set()
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        kept = {
            key: value
            for key, value in item.items()
            if key not in HTTP_METHODS
            or (isinstance(value, dict) and value.get("operationId") in wanted)
        }
        operations = [kept[method] for method in HTTP_METHODS if method in kept]
        if operations:
            paths[path] = copy.deepcopy(kept)
            found.update(str(operation["operationId"]) for operation in operations)
    missing = sorted(wanted - found)
    if missing:
        raise VendorError(
            f"the new document has no operation {', '.join(map(repr, missing))}; "
            "the suite tests it, so it cannot be re-vendored from this document"
        )
    reached = _reachable_components(document, paths)
    reduced: dict[str, Any] = {}
    for key, value in document.items():
        if key == "paths":
            reduced[key] = paths
        elif key == "components":
            components = _kept_components(value, reached)
            if components:
                reduced[key] = components
        elif key != "webhooks":
            reduced[key] = copy.deepcopy(value)
    return reduced


def render_yaml(document: Mapping[str, Any]) -> bytes:
    """Deterministic YAML that loads back to ``document`` (key order kept, UTF-8)."""
    text = yaml.safe_dump(
        dict(document), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return text.encode("utf-8")


def write_provenance(path: Path, provenance: Provenance) -> None:
    # json.dumps yields valid TOML basic strings (quotes and backslashes escaped, ASCII only).
    path.write_text(
        _PROVENANCE_HEADER
        + f"source = {json.dumps(provenance.source)}\n"
        + f"operation = {json.dumps(provenance.operation)}\n"
        + f"retrieved = {provenance.retrieved.isoformat()}\n"
        + f"sha256 = {json.dumps(provenance.sha256)}\n",
        encoding="utf-8",
    )


def _operation_ids(document: Mapping[str, Any]) -> list[str]:
    return [
        str(operation["operationId"])
        for item in (document.get("paths") or {}).values()
        if isinstance(item, dict)
        for method in HTTP_METHODS
        if isinstance(operation := item.get(method), dict) and "operationId" in operation
    ]


def _reachable_components(document: Mapping[str, Any], start: Any) -> set[tuple[str, str]]:
    """The ``(kind, name)`` of every component reachable from ``start`` through ``$ref``."""
    reached: set[tuple[str, str]] = set()
    pending = [start]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            pending.extend(node.values())
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                tokens = split(ref[1:])
                if len(tokens) >= 3 and (tokens[1], tokens[2]) not in reached:
                    reached.add((tokens[1], tokens[2]))
                    # A dangling reference stays dangling; `spec check` reports it.
                    with contextlib.suppress(KeyError):
                        pending.append(resolve(document, tokens[:3]))
    return reached


def _kept_components(components: Any, reached: set[tuple[str, str]]) -> dict[str, Any]:
    if not isinstance(components, dict):
        return {}
    kept: dict[str, Any] = {}
    for kind, entries in components.items():
        if kind == "securitySchemes" or not isinstance(entries, dict):
            kept[kind] = copy.deepcopy(entries)
            continue
        chosen = {name: entry for name, entry in entries.items() if (kind, name) in reached}
        if chosen:
            kept[kind] = copy.deepcopy(chosen)
    return kept


def _stale_corrections(document: dict[str, Any], corrections: Path) -> tuple[str, ...]:
    if not corrections.is_file():
        return ()
    try:
        defects = load_corrections(corrections)
    except SpecLoadError as exc:
        return (f"{corrections}: {exc}",)
    # Applied in order, as corrected_document() does: a later correction may build on an
    # earlier one. A failing one is skipped so the rest are still checked.
    patched = copy.deepcopy(document)
    stale: list[str] = []
    for defect in defects:
        attempt = copy.deepcopy(patched)
        try:
            apply_patch(attempt, defect.patch)
        except PatchError as exc:
            stale.append(f"{defect.id}: {exc}")
        else:
            patched = attempt
    return tuple(stale)
