"""Reading a spec from a file path or an http(s) URL, with errors a CI log can act on.

Not re-exported by ``conformance.openapi``: strategies and checks import the spec layer, and
they stay free of the network stack (only the run layer and the CLI do network I/O).

Two error types, because callers map them to different exit codes: a bad path or a document
that is not OpenAPI is a usage error (2); a host that cannot be reached is "unreachable" (3).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml

__all__ = [
    "DEFAULT_FETCH_TIMEOUT",
    "LoadedSpec",
    "SpecSourceError",
    "SpecUnreachableError",
    "is_url",
    "load_spec_source",
    "parse_spec_bytes",
]

DEFAULT_FETCH_TIMEOUT = 20.0
"""Seconds for connecting and for each read; a docs site slower than this counts as down."""


class SpecSourceError(ValueError):
    """The source is not usable: no such file, a failing URL, or not an OpenAPI document."""


class SpecUnreachableError(OSError):
    """The host of a spec URL could not be reached (refused, timed out, DNS, server error)."""


@dataclass(frozen=True)
class LoadedSpec:
    source: str
    content: bytes
    """Exactly the bytes read or served; re-vendoring and hashing use these."""
    document: dict[str, Any]
    served_as_json: bool


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def load_spec_source(
    source: str,
    *,
    timeout: float = DEFAULT_FETCH_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
) -> LoadedSpec:
    """Read the spec at ``source`` (an http(s) URL or a file path) and parse it."""
    content = _fetch(source, timeout, transport) if is_url(source) else _read(Path(source))
    document, as_json = parse_spec_bytes(content, source)
    return LoadedSpec(source=source, content=content, document=document, served_as_json=as_json)


def parse_spec_bytes(content: bytes, source: str) -> tuple[dict[str, Any], bool]:
    """The OpenAPI document in ``content`` and whether it was JSON (rather than YAML)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpecSourceError(
            f"{source} is not UTF-8 text; pass an OpenAPI document in YAML or JSON"
        ) from None
    # JSON first: the vendor serves JSON, and json.loads is exact and much faster than PyYAML.
    as_json = text.lstrip().startswith("{")
    try:
        document = json.loads(text) if as_json else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = "JSON" if as_json else "YAML"
        raise SpecSourceError(
            f"{source} is not valid {kind}: {_one_line(exc)}; "
            "pass an OpenAPI document in YAML or JSON"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise SpecSourceError(
            f"{source} is not an OpenAPI document (no 'paths' map at the top level); "
            "pass the API's OpenAPI file, not a docs page"
        )
    return document, as_json


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SpecSourceError(
            f"{path}: no such file; pass an existing spec file or an http(s) URL"
        ) from None
    except OSError as exc:
        raise SpecSourceError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def _fetch(url: str, timeout: float, transport: httpx.BaseTransport | None) -> bytes:
    host = urlsplit(url).netloc
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, transport=transport) as client:
            response = client.get(url, headers={"Accept": "application/json, application/yaml"})
    except httpx.TimeoutException:
        raise SpecUnreachableError(f"{host} did not answer within {timeout:g} s ({url})") from None
    except httpx.TransportError as exc:
        raise SpecUnreachableError(f"cannot reach {host}: {_cause(exc)} ({url})") from None
    if response.status_code >= 500:
        raise SpecUnreachableError(
            f"{host} answered {response.status_code} {response.reason_phrase} ({url}); "
            "the docs site is failing, try again later"
        )
    if response.status_code >= 400:
        raise SpecSourceError(
            f"{url} answered {response.status_code} {response.reason_phrase}; check the spec URL"
        )
    return response.content


def _cause(exc: Exception) -> str:
    # httpx wraps the socket error; the innermost one says "Connection refused" plainly.
    inner: BaseException = exc
    while inner.__cause__ is not None or inner.__context__ is not None:
        inner = inner.__cause__ or inner.__context__  # type: ignore[assignment]
    return _one_line(inner) or type(exc).__name__


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
