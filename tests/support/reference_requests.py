"""Helpers shared by the reference API tests: auth headers and one-call requests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from conformance.basic_auth import basic_authorization
from conformance.openapi import BULK_UPDATE_PATH
from conformance.reference import ServiceAccount

PROBLEM = "application/problem+json"
W1 = "6eca6a1f-0000-4000-8000-000000000001"
W2 = "6eca6a1f-0000-4000-8000-000000000002"
W3 = "6eca6a1f-0000-4000-8000-000000000003"


def auth_of(account: ServiceAccount) -> dict[str, str]:
    return {"Authorization": basic_authorization(account.client_id, account.secret)}


def post_bulk(
    client: httpx.Client,
    body: Any = None,
    *,
    headers: Mapping[str, str | bytes] | None = None,
    content: bytes | None = None,
) -> httpx.Response:
    if content is not None:
        return client.post(BULK_UPDATE_PATH, content=content, headers=headers)
    if body is None:
        return client.post(BULK_UPDATE_PATH, headers=headers)
    return client.post(BULK_UPDATE_PATH, json=body, headers=headers)


def items(*ids: str, **fields: Any) -> dict[str, Any]:
    return {"items": [{"id": incident_id, **fields} for incident_id in ids]}
