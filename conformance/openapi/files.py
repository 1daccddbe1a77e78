"""Where the vendored spec, its provenance and its corrections live.

An installed wheel carries them inside the package (``conformance/_vendored_spec``); a source
checkout keeps them in the top-level ``spec/`` folder, where reviewers expect them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["corrections_path", "provenance_path", "spec_dir", "vendored_spec_path"]

_PACKAGED = Path(__file__).resolve().parent.parent / "_vendored_spec"
_CHECKOUT = Path(__file__).resolve().parents[2] / "spec"


@cache
def spec_dir() -> Path:
    """The folder holding ``openapi.yaml``, ``PROVENANCE.toml`` and ``corrections.yaml``."""
    for candidate in (_PACKAGED, _CHECKOUT):
        if (candidate / "openapi.yaml").is_file():
            return candidate
    raise FileNotFoundError(
        f"the vendored spec is missing: looked in {_PACKAGED} and {_CHECKOUT}; "
        "reinstall contraforce-conformance or run from a complete checkout"
    )


def vendored_spec_path() -> Path:
    return spec_dir() / "openapi.yaml"


def provenance_path() -> Path:
    return spec_dir() / "PROVENANCE.toml"


def corrections_path() -> Path:
    return spec_dir() / "corrections.yaml"
