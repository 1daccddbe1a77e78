"""``cf-conformance spec diff`` and the internal ``spec update``: output and exit codes."""

from __future__ import annotations

import functools
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.cli import main
from conformance.cli.spec_commands import ADDITIVE_NOTE, BREAKING_NOTE
from conformance.openapi import (
    file_sha256,
    load_document,
    load_provenance,
    spec_dir,
    vendored_spec_path,
)

Mutation = Callable[[dict[str, Any]], None]
ENUM = "/components/schemas/IncidentSource/enum"


def _write(tmp_path: Path, mutate: Mutation, name: str = "other.yaml") -> Path:
    document = load_document()
    mutate(document)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _enum(document: dict[str, Any]) -> list[Any]:
    enum: list[Any] = document["components"]["schemas"]["IncidentSource"]["enum"]
    return enum


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(["spec", *argv])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_the_vendored_spec_against_itself_has_no_differences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, "diff", str(vendored_spec_path()))

    assert (code, out[1:], err) == (
        0,
        ["no differences in the operations and schemas the suite uses"],
        "",
    )
    sha = file_sha256(vendored_spec_path())[:12]
    assert out[0] == f"spec diff: vendored spec (sha256 {sha}) -> {vendored_spec_path()}"


def test_sentinelone_removed_is_breaking_with_its_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = _write(tmp_path, lambda doc: _enum(doc).remove("SentinelOne"))

    code, out, _ = _run(capsys, "diff", str(other))

    assert code == 1
    assert out[1:] == [
        f"  breaking  enum value removed  {ENUM}  'SentinelOne'",
        "1 breaking, 0 additive, 0 cosmetic",
        BREAKING_NOTE,
    ]


def test_an_added_enum_value_is_additive_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = _write(tmp_path, lambda doc: _enum(doc).append("Tanium"))

    code, out, _ = _run(capsys, "diff", str(other))

    assert code == 0
    assert out[1:] == [
        f"  additive  enum value added  {ENUM}  'Tanium'",
        "0 breaking, 1 additive, 0 cosmetic",
        ADDITIVE_NOTE,
    ]


def test_breaking_differences_are_listed_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def mutate(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"]["ForbiddenBulkUpdateIncidentDto"]["description"] = "x"
        _enum(doc).append("Tanium")
        _enum(doc).remove("QRadar")

    code, out, _ = _run(capsys, "diff", str(_write(tmp_path, mutate)))

    assert code == 1
    assert [line.split()[0] for line in out[1:4]] == ["breaking", "additive", "cosmetic"]


def test_against_a_file_swaps_the_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The copy with the extra value is the baseline now, so its absence is a removal.
    baseline = _write(tmp_path, lambda doc: _enum(doc).append("Tanium"), "baseline.yaml")

    code, out, _ = _run(capsys, "diff", str(vendored_spec_path()), "--against", str(baseline))

    assert code == 1
    assert out[0] == f"spec diff: {baseline} -> {vendored_spec_path()}"
    assert out[1] == f"  breaking  enum value removed  {ENUM}  'Tanium'"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            None, "{path}: no such file; pass an existing spec file or an http(s) URL", id="missing"
        ),
        pytest.param(
            "{not json",
            "{path} is not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1); pass an OpenAPI document in YAML or JSON",
            id="unparseable",
        ),
        pytest.param(
            "just: a map\n",
            "{path} is not an OpenAPI document (no 'paths' map at the top level); "
            "pass the API's OpenAPI file, not a docs page",
            id="not-openapi",
        ),
    ],
)
def test_an_unusable_file_is_a_usage_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "other.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")

    code, out, err = _run(capsys, "diff", str(path))

    assert (code, out, err) == (2, [], f"spec diff: {message.format(path=path)}\n")


def test_a_closed_port_is_unreachable_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()

    code, out, err = _run(capsys, "diff", "http://127.0.0.1:9/openapi.json")

    assert (code, out) == (3, [])
    assert err.startswith("spec diff: unreachable: cannot reach 127.0.0.1:9: ")
    assert "Connection refused" in err
    assert time.monotonic() - started < 5


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output clean


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An http server on 127.0.0.1 serving a folder: (base URL, folder)."""
    folder = tmp_path / "site"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.socket
def test_a_spec_url_is_fetched_and_compared(
    served: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base, folder = served
    document = load_document()
    _enum(document).remove("SentinelOne")
    (folder / "openapi.json").write_text(json.dumps(document), encoding="utf-8")

    code, out, _ = _run(capsys, "diff", f"{base}/openapi.json")

    assert code == 1
    assert out[1] == f"  breaking  enum value removed  {ENUM}  'SentinelOne'"


@pytest.mark.socket
def test_a_missing_spec_url_is_a_usage_error(
    served: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = served

    code, _, err = _run(capsys, "diff", f"{base}/nope.json")

    assert (code, err) == (
        2,
        f"spec diff: {base}/nope.json answered 404 File not found; check the spec URL\n",
    )


@pytest.fixture
def scratch_spec(tmp_path: Path) -> Path:
    folder = tmp_path / "spec"
    folder.mkdir()
    for name in ("openapi.yaml", "PROVENANCE.toml", "corrections.yaml"):
        shutil.copyfile(spec_dir() / name, folder / name)
    return folder


@pytest.mark.socket
def test_update_shows_the_diff_then_rewrites_the_spec(
    served: tuple[str, Path], scratch_spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, folder = served
    document = load_document()
    _enum(document).append("Tanium")
    (folder / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    url = f"{base}/openapi.json"

    code, out, err = _run(capsys, "update", url, "--spec-dir", str(scratch_spec))

    sha = load_provenance(scratch_spec / "PROVENANCE.toml").sha256
    assert (code, err) == (0, "")
    assert out == [
        f"spec update: {scratch_spec / 'openapi.yaml'} -> {url}",
        f"  additive  enum value added  {ENUM}  'Tanium'",
        "0 breaking, 1 additive, 0 cosmetic",
        ADDITIVE_NOTE,
        f"wrote {scratch_spec / 'openapi.yaml'} (extracted and converted to YAML, "
        f"sha256 {sha[:12]}) and {scratch_spec / 'PROVENANCE.toml'}",
    ]
    assert yaml.safe_load((scratch_spec / "openapi.yaml").read_bytes()) == document
    assert load_provenance(scratch_spec / "PROVENANCE.toml").source == url


def test_update_without_a_spec_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "update", str(vendored_spec_path()), "--spec-dir", str(tmp_path))

    assert (code, err) == (
        2,
        f"spec update: {tmp_path} holds no openapi.yaml and PROVENANCE.toml; "
        "run from the repository root or pass --spec-dir\n",
    )


def test_update_refuses_a_document_without_the_operation(
    tmp_path: Path, scratch_spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (scratch_spec / "openapi.yaml").read_bytes()
    other = _write(tmp_path, lambda doc: doc.update(paths={}))

    code, out, err = _run(capsys, "update", str(other), "--spec-dir", str(scratch_spec))

    assert code == 1
    assert "  breaking  operation removed  " in out[1]
    assert err.startswith("spec update: not re-vendored: the new document has no operation ")
    assert (scratch_spec / "openapi.yaml").read_bytes() == before
