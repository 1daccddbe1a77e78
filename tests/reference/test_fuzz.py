"""No input, however malformed, gets a 5xx (C15); every refusal is a problem (C5, C6)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from support.reference_requests import PROBLEM, auth_of, post_bulk

from conformance.reference import create_app, in_process_client

FIELDS = [
    "id",
    "status",
    "user",
    "workspace",
    "removeAssignee",
    "comment",
    "classification",
    "classificationReason",
    "incidentSource",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["INC-1001", "INC-3001", "Active", "Closed", "TruePositive", "Sentinel"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
items_like = (
    st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_values, max_size=6)
    | json_values
)
bodies = json_values | st.fixed_dictionaries(
    {"items": st.lists(items_like, max_size=6) | json_values}
)


@cache
def _client() -> tuple[httpx.Client, dict[str, str]]:
    # One app for the whole module: Hypothesis runs many examples against it.
    app = create_app(max_items=5)
    client = in_process_client(app)
    return client, auth_of(app.state.reference.credentials.writer)


def _assert_well_formed(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["status"] == response.status_code
    else:
        assert set(response.json()) == {"data", "meta"}


@settings(max_examples=300)
@given(body=bodies)
def test_json_bodies_never_get_a_server_error(body: Any) -> None:
    client, writer = _client()
    response = post_bulk(
        client,
        content=json.dumps(body).encode(),
        headers={**writer, "Content-Type": "application/json"},
    )
    _assert_well_formed(response)
    assert response.status_code in (200, 400)


@settings(max_examples=150)
@given(
    content=st.binary(max_size=64)
    | st.text(max_size=64).map(lambda t: t.encode("utf-8", "surrogatepass")),
    content_type=st.sampled_from(
        ["application/json", "application/json; charset=utf-16", "text/plain", "", "*/*"]
    ),
)
def test_raw_bodies_never_get_a_server_error(content: bytes, content_type: str) -> None:
    client, writer = _client()
    response = post_bulk(client, content=content, headers={**writer, "Content-Type": content_type})
    _assert_well_formed(response)


@settings(max_examples=150)
@given(
    header=st.binary(max_size=60).filter(lambda b: b"\r" not in b and b"\n" not in b),
    scheme=st.sampled_from([b"Basic ", b"Bearer ", b"basic", b""]),
)
def test_arbitrary_authorization_headers_get_401(header: bytes, scheme: bytes) -> None:
    client, _ = _client()
    response = post_bulk(client, {"items": []}, headers={"Authorization": scheme + header})
    _assert_well_formed(response)
    assert response.status_code == 401


@settings(max_examples=100)
@given(
    workspace=st.text(min_size=1, max_size=20),
    source=st.text(min_size=1, max_size=20),
    incident=st.text(min_size=1, max_size=20),
)
def test_read_back_paths_never_get_a_server_error(
    workspace: str, source: str, incident: str
) -> None:
    client, writer = _client()
    parts = (quote(part, safe="") for part in (workspace, source, incident))
    path = "/api/v2/workspaces/{}/incidents/{}/{}".format(*parts)
    _assert_well_formed(client.get(path, headers=writer))
    _assert_well_formed(client.get(path + "/comments", headers=writer))
