"""The bulk-update route over HTTP (in-process): status mapping, limits and routing (C5-C11)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support.reference_requests import PROBLEM, auth_of, items, post_bulk

from conformance.openapi import BULK_UPDATE_PATH
from conformance.reference import MAX_BODY_BYTES, Credentials, create_app, in_process_client


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert (problem["status"], problem["code"]) == (status, code)
    assert problem["requestId"]
    assert problem["timestamp"].endswith("+00:00")
    assert isinstance(problem["title"], str)
    assert isinstance(problem["detail"], str)
    return problem


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param([], {"": ["must be of type object"]}, id="array"),
        pytest.param({"items": "x"}, {"items": ["must be of type null or array"]}, id="items-str"),
        pytest.param({"items": [{}]}, {"items[0].id": ["is required"]}, id="missing-id"),
        pytest.param(
            {"items": [{"id": None}]}, {"items[0].id": ["must be of type string"]}, id="null-id"
        ),
        pytest.param(
            items("INC-1001", status="Bogus"),
            {"items[0].status": ["must be null or one of: Active, New, Closed"]},
            id="unknown-enum",
        ),
    ],
)
def test_schema_violations_are_validation_errors(
    client: httpx.Client, writer: dict[str, str], body: Any, errors: dict[str, list[str]]
) -> None:
    problem = assert_problem(post_bulk(client, body, headers=writer), 400, "VALIDATION_ERROR")
    assert problem["errors"] == errors
    assert problem["instance"] == BULK_UPDATE_PATH


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        pytest.param(b"{", "application/json", id="unparseable"),
        pytest.param(b'{"items": []}', "text/plain", id="text-plain"),
        pytest.param(b"items=1", "application/x-www-form-urlencoded", id="form"),
        pytest.param(b"\x00\x01\x02", "application/octet-stream", id="binary"),
        pytest.param(b"NaN", "application/json", id="nan"),
    ],
)
def test_bodies_that_are_not_json_are_bad_requests(
    client: httpx.Client, writer: dict[str, str], content: bytes, content_type: str
) -> None:
    response = post_bulk(client, content=content, headers={**writer, "Content-Type": content_type})
    assert "errors" not in assert_problem(response, 400, "BAD_REQUEST")


def test_an_overflowing_number_is_a_wrong_type(
    client: httpx.Client, writer: dict[str, str]
) -> None:
    # 1e999999 parses (as infinity), so it is a validation failure, not an unreadable body.
    content = b'{"items": [1e999999]}'
    headers = {**writer, "Content-Type": "application/json"}
    problem = assert_problem(
        post_bulk(client, content=content, headers=headers), 400, "VALIDATION_ERROR"
    )
    assert problem["errors"] == {"items[0]": ["must be of type object"]}


@pytest.mark.parametrize(
    ("headers", "content"),
    [
        pytest.param({}, None, id="bodiless"),
        pytest.param({"Content-Type": "application/json"}, b"", id="empty-json"),
        pytest.param({}, b'{"items": null}', id="null-items"),
        pytest.param({}, b"{}", id="missing-items"),
        pytest.param({}, b'{"items": []}', id="empty-items"),
    ],
)
def test_no_items_is_an_empty_success(
    client: httpx.Client,
    writer: dict[str, str],
    headers: dict[str, str],
    content: bytes | None,
) -> None:
    all_headers = {"Content-Type": "application/json", **writer, **headers}
    response = post_bulk(client, content=content, headers=all_headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] == {"accepted": [], "forbidden": []}


@pytest.mark.parametrize(
    ("size", "declared"),
    [
        pytest.param(MAX_BODY_BYTES + 1, True, id="content-length"),
        pytest.param(MAX_BODY_BYTES + 1, False, id="streamed"),
        pytest.param(3 * MAX_BODY_BYTES, False, id="streamed-large"),
    ],
)
def test_bodies_over_one_mebibyte_are_413(
    client: httpx.Client, writer: dict[str, str], size: int, declared: bool
) -> None:
    body = b'{"items": [], "pad": "' + b"x" * size + b'"}'
    content: bytes | Iterator[bytes] = (
        body if declared else iter([body[i : i + 65536] for i in range(0, len(body), 65536)])
    )
    response = client.post(
        BULK_UPDATE_PATH, content=content, headers={**writer, "Content-Type": "application/json"}
    )
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")


def test_a_body_of_exactly_the_limit_is_read(client: httpx.Client, writer: dict[str, str]) -> None:
    prefix, suffix = b'{"items": [], "pad": "', b'"}'
    body = prefix + b"x" * (MAX_BODY_BYTES - len(prefix) - len(suffix)) + suffix
    headers = {**writer, "Content-Type": "application/json"}
    assert post_bulk(client, content=body, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("count", "status"),
    [pytest.param(100, 200, id="at-cap"), pytest.param(101, 400, id="over-cap")],
)
def test_default_batch_cap_is_100(
    client: httpx.Client, writer: dict[str, str], count: int, status: int
) -> None:
    body = {"items": [{"id": f"cfct-{n}"} for n in range(count)]}
    response = post_bulk(client, body, headers=writer)
    assert response.status_code == status
    if status == 400:
        problem = assert_problem(response, 400, "VALIDATION_ERROR")
        assert problem["errors"] == {"items": ["must contain at most 100 items (got 101)"]}
    else:
        assert len(response.json()["data"]["forbidden"]) == 100


def test_batch_cap_is_configurable() -> None:
    app = create_app(max_items=2)
    credentials = app.state.reference.credentials
    with in_process_client(app) as client:
        response = post_bulk(client, items("a", "b", "c"), headers=auth_of(credentials.writer))
    problem = assert_problem(response, 400, "VALIDATION_ERROR")
    assert problem["errors"] == {"items": ["must contain at most 2 items (got 3)"]}


def test_max_items_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_items must be at least 1, got 0"):
        create_app(max_items=0)


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_other_methods_are_405_problems(client: httpx.Client, method: str) -> None:
    response = client.request(method, BULK_UPDATE_PATH)
    assert_problem(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    "path",
    ["/", "/nope", BULK_UPDATE_PATH + "/", "/api/v2/incidents/across-workspaces/bulk-updates"],
)
def test_unknown_paths_are_404_problems(client: httpx.Client, path: str) -> None:
    problem = assert_problem(client.post(path, json={}), 404, "NOT_FOUND")
    assert problem["instance"] == path


def test_request_ids_differ_between_requests(client: httpx.Client, writer: dict[str, str]) -> None:
    ids = {post_bulk(client, {}, headers=writer).json()["meta"]["requestId"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize("declared", [b"\xb2", b"-1", b"abc", b"99999999999999999999999"])
def test_odd_content_length_headers_are_no_server_error(
    credentials: Credentials, declared: bytes
) -> None:
    """Sent straight to the ASGI app: HTTP clients and servers refuse to carry these."""
    app = create_app(credentials=credentials)
    authorization = auth_of(credentials.writer)["Authorization"].encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": BULK_UPDATE_PATH,
        "raw_path": BULK_UPDATE_PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"authorization", authorization),
            (b"content-type", b"application/json"),
            (b"content-length", declared),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = sent[0]["status"]
    assert status == (413 if declared.startswith(b"999") else 200)
