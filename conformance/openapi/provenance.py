"""The record of where the vendored spec came from: source, operation, date and sha256."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from conformance.openapi.files import provenance_path

__all__ = ["Provenance", "file_sha256", "load_provenance"]


@dataclass(frozen=True)
class Provenance:
    source: str
    operation: str
    retrieved: dt.date
    sha256: str


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_provenance(path: Path | None = None) -> Provenance:
    with (path or provenance_path()).open("rb") as handle:
        raw = tomllib.load(handle)
    return Provenance(
        source=str(raw["source"]),
        operation=str(raw["operation"]),
        retrieved=raw["retrieved"],
        sha256=str(raw["sha256"]),
    )
