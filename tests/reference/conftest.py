from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from support.reference_requests import auth_of

from conformance.reference import (
    Credentials,
    ReferenceState,
    create_app,
    generate_credentials,
    in_process_client,
    reference_state,
)


@pytest.fixture
def credentials() -> Credentials:
    return generate_credentials()


@pytest.fixture
def app(credentials: Credentials) -> Starlette:
    return create_app(credentials=credentials)


@pytest.fixture
def state(app: Starlette) -> ReferenceState:
    return reference_state(app)


@pytest.fixture
def client(app: Starlette) -> Iterator[httpx.Client]:
    with in_process_client(app) as client:
        yield client


@pytest.fixture
def writer(credentials: Credentials) -> dict[str, str]:
    return auth_of(credentials.writer)


@pytest.fixture
def no_scope(credentials: Credentials) -> dict[str, str]:
    return auth_of(credentials.no_scope)
