"""Schemathesis hooks giving ``st run`` and the pytest integration the walker's fixes.

Use as ``SCHEMATHESIS_HOOKS=conformance.adapters.schemathesis_hooks st run spec/openapi.yaml``
(``conformance.adapters.st_run`` loads it with the clause checks) or import it from pytest.
Importing installs the hooks (schemathesis loads hook modules for their side effects);
``install()`` and ``uninstall()`` are idempotent.

- ``map_body``: schemathesis 4.27+ sometimes sends bounded or int32 integers as ``5.0``;
  whole floats become ints again. The coverage phase skips
  ``map_*`` hooks, so this covers the fuzzing phases only.
- ``format: int32`` on a string branch (S6) gets numeric strings within int32.
- ``before_load_schema``: the vendored spec gets the reviewed corrections, so null and enum
  handling match the walker (S1: a null ``id`` is negative data, not positive).
"""

from __future__ import annotations

import copy
from typing import Any

import schemathesis
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER
from schemathesis.specs.openapi.formats import STRING_FORMATS, unregister_string_format

from conformance.openapi import BULK_UPDATE_PATH, PatchError, apply_patch, load_corrections
from conformance.openapi.pointer import resolve
from strategies.formats import int32_strings

__all__ = [
    "INT32_FORMAT",
    "before_load_schema",
    "corrected_copy",
    "install",
    "is_installed",
    "map_body",
    "uninstall",
    "whole_floats_to_ints",
]

INT32_FORMAT = "int32"


def whole_floats_to_ints(value: Any) -> Any:
    """``value`` with every finite whole float (``5.0``) replaced by the int it stands for."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_floats_to_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_floats_to_ints(item) for item in value]
    return value


def map_body(context: Any, body: Any) -> Any:
    return whole_floats_to_ints(body)


def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    """Apply the corrections to the vendored spec, in place; leave other documents alone."""
    if BULK_UPDATE_PATH not in (raw_schema.get("paths") or {}):
        return  # not the ContraForce spec
    corrected = corrected_copy(raw_schema)
    raw_schema.clear()
    raw_schema.update(corrected)


def corrected_copy(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with every correction applied, skipping corrections it already carries.

    A correction whose ``test`` fails and that is not already applied means the spec moved
    on: that raises ``PatchError`` rather than fuzzing with a half-corrected spec.
    """
    patched = copy.deepcopy(document)
    for defect in load_corrections():
        trial = copy.deepcopy(patched)
        try:
            apply_patch(trial, defect.patch)
        except PatchError:
            if not _already_applied(patched, defect.patch):
                raise
            continue
        patched = trial
    return patched


def _already_applied(document: dict[str, Any], patch: tuple[dict[str, Any], ...]) -> bool:
    """Does ``document`` already hold what the patch's changes would leave behind?"""
    for operation in patch:
        if operation.get("op") == "test":
            continue
        try:
            current = resolve(document, str(operation.get("path")))
        except KeyError:
            present, current = False, None
        else:
            present = True
        if operation.get("op") == "remove" and present:
            return False
        if operation.get("op") in ("add", "replace") and (
            not present or current != operation.get("value")
        ):
            return False
    return True


_HOOKS = {"map_body": map_body, "before_load_schema": before_load_schema}


def is_installed() -> bool:
    return all(
        hook in GLOBAL_HOOK_DISPATCHER.get_all_by_name(name) for name, hook in _HOOKS.items()
    )


def install() -> None:
    for name, hook in _HOOKS.items():
        if hook not in GLOBAL_HOOK_DISPATCHER.get_all_by_name(name):
            schemathesis.hook(name)(hook)
    schemathesis.openapi.format(INT32_FORMAT, int32_strings())


def uninstall() -> None:
    for hook in _HOOKS.values():
        GLOBAL_HOOK_DISPATCHER.unregister(hook)
    if INT32_FORMAT in STRING_FORMATS:
        unregister_string_format(INT32_FORMAT)


install()
