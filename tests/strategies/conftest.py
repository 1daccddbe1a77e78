"""Shared fixtures: the corrected document, a Draft 2020-12 validator over it, a sandbox."""

from typing import Any

import pytest
from support.schema_validators import Validator, make_validator

from conformance.openapi import corrected_document
from conformance.sandbox import Incident, Sandbox


@pytest.fixture(scope="session")
def document() -> dict[str, Any]:
    return corrected_document()


@pytest.fixture(scope="session")
def validator(document: dict[str, Any]) -> Validator:
    return lambda ref: make_validator(document, ref)


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    return Sandbox(
        writable=(Incident("inc-w1", "ws-alpha"), Incident("inc-w2", "ws-beta")),
        foreign=(Incident("inc-f1", "ws-foreign"),),
    )
