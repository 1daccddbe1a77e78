"""Reading a spec from a path or a URL: the error type decides the exit code (2 or 3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from conformance.openapi import load_document, vendored_spec_path
from conformance.openapi.fetch import SpecSourceError, SpecUnreachableError, load_spec_source

URL = "https://docs.example.test/api-reference/openapi.json"
Handler = Callable[[httpx.Request], httpx.Response]


def _transport(handler: Handler) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def test_a_json_url_is_parsed_and_its_bytes_kept() -> None:
    body = json.dumps(load_document()).encode()

    spec = load_spec_source(URL, transport=_transport(lambda _: httpx.Response(200, content=body)))

    assert (spec.document, spec.content, spec.served_as_json) == (load_document(), body, True)


def test_a_yaml_file_is_parsed() -> None:
    spec = load_spec_source(str(vendored_spec_path()))

    assert (spec.document, spec.served_as_json) == (load_document(), False)


def test_redirects_are_followed() -> None:
    body = json.dumps(load_document()).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old.json":
            return httpx.Response(301, headers={"Location": URL})
        return httpx.Response(200, content=body)

    spec = load_spec_source("https://docs.example.test/old.json", transport=_transport(handler))

    assert spec.document == load_document()


def _raise(error: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    return handler


@pytest.mark.parametrize(
    ("handler", "message"),
    [
        pytest.param(
            _raise(httpx.ConnectError("[Errno 111] Connection refused")),
            f"cannot reach docs.example.test: [Errno 111] Connection refused ({URL})",
            id="refused",
        ),
        pytest.param(
            _raise(httpx.ReadTimeout("timed out")),
            f"docs.example.test did not answer within 2 s ({URL})",
            id="timeout",
        ),
        pytest.param(
            lambda _: httpx.Response(503),
            f"docs.example.test answered 503 Service Unavailable ({URL}); "
            "the docs site is failing, try again later",
            id="server-error",
        ),
    ],
)
def test_an_unreachable_host_is_reported_as_unreachable(handler: Handler, message: str) -> None:
    with pytest.raises(SpecUnreachableError) as caught:
        load_spec_source(URL, timeout=2, transport=_transport(handler))

    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        pytest.param(b"", 404, f"{URL} answered 404 Not Found; check the spec URL", id="not-found"),
        pytest.param(
            b'{"openapi": ',
            200,
            f"{URL} is not valid JSON: Expecting value: line 1 column 13 (char 12); "
            "pass an OpenAPI document in YAML or JSON",
            id="broken-json",
        ),
        pytest.param(
            b"<html><body>docs</body></html>",
            200,
            f"{URL} is not an OpenAPI document (no 'paths' map at the top level); "
            "pass the API's OpenAPI file, not a docs page",
            id="html-page",
        ),
        pytest.param(
            b"\xff\xfe",
            200,
            f"{URL} is not UTF-8 text; pass an OpenAPI document in YAML or JSON",
            id="binary",
        ),
    ],
)
def test_an_unusable_document_is_a_source_error(content: bytes, status: int, message: str) -> None:
    transport = _transport(lambda _: httpx.Response(status, content=content))

    with pytest.raises(SpecSourceError) as caught:
        load_spec_source(URL, transport=transport)

    assert str(caught.value) == message


def test_a_missing_file_is_a_source_error(tmp_path: Path) -> None:
    missing = tmp_path / "openapi.yaml"

    with pytest.raises(SpecSourceError) as caught:
        load_spec_source(str(missing))

    assert str(caught.value) == (
        f"{missing}: no such file; pass an existing spec file or an http(s) URL"
    )


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.1\npaths: [unclosed\n", encoding="utf-8")

    with pytest.raises(SpecSourceError, match=r"broken\.yaml is not valid YAML: .*; pass an"):
        load_spec_source(str(broken))
