"""The session state behind the fixtures: a target file checked before any test runs, or the
embedded reference API started on first use."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from conformance.pytest_plugin.plugin import FIXTURES, PROFILE_NAMES
from conformance.pytest_plugin.session import ContractSession, PluginOptions
from conformance.run import PROFILES

ENV = {"CF_ID": "client-1", "CF_SECRET": "planted-secret-0042"}


def _target_file(tmp_path: Path, base_url: str, extra: str = "", sandbox: bool = True) -> Path:
    incidents = (
        'writable = [ { id = "INC-1", workspace = "ws-1" } ]\n'
        'foreign = [ { id = "INC-9", workspace = "ws-9" } ]\n'
        if sandbox
        else ""
    )
    path = tmp_path / "staging.toml"
    path.write_text(
        f'base_url = "{base_url}"\n'
        "[auth.writer]\n"
        'client_id_env = "CF_ID"\n'
        'client_secret_env = "CF_SECRET"\n'
        f"[sandbox]\n{incidents}{extra}",
        encoding="utf-8",
    )
    return path


def _session(
    path: Path | None, environ: dict[str, str] = ENV, **options: object
) -> ContractSession:
    return ContractSession(PluginOptions(target=path, **options), environ)  # type: ignore[arg-type]


def test_a_target_file_is_loaded_with_its_environment(tmp_path: Path) -> None:
    path = _target_file(tmp_path, "https://staging.example.com")
    session = _session(path, profile="smoke")
    session.validate()
    target = session.target()
    assert (target.name, target.base_url, target.writer.secret) == (
        "staging",
        "https://staging.example.com",
        "planted-secret-0042",
    )
    assert session.target_file() == (path, ENV)
    assert [i.id for i in session.sandbox().foreign] == ["INC-9"]
    assert session.write_budget() == PROFILES["smoke"].max_write_requests
    assert not session.embedded
    assert not session.started


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param(
            lambda tmp: (tmp / "missing.toml", {}),
            "cf-conformance: {tmp}/missing.toml: no such file (pass an existing --cf-target FILE)",
            id="no-such-file",
        ),
        pytest.param(
            lambda tmp: (_target_file(tmp, "https://staging.example.com"), {"CF_ID": "x"}),
            "cf-conformance: {tmp}/staging.toml: auth.writer.client_secret_env: environment "
            "variable CF_SECRET is not set (export CF_SECRET=... before the run)",
            id="missing-variable",
        ),
        pytest.param(
            lambda tmp: (_target_file(tmp, "https://portal.contraforce.com"), ENV),
            "cf-conformance: base_url https://portal.contraforce.com looks like production: "
            "portal.contraforce.com is the production portal. Nothing was sent. Point the "
            "target at a staging deployment, or pass --cf-allow-production to override",
            id="production-guard",
        ),
        pytest.param(
            lambda tmp: (
                _target_file(tmp, "https://staging.example.com", '[checks]\nrelax = ["C20"]\n'),
                ENV,
            ),
            "cf-conformance: {tmp}/staging.toml: checks.relax: cannot relax C20: the vendor "
            "documents it; only C2, C9, C13, C17, C21b, C21e, C22 may be relaxed",
            id="relax-documented-clause",
        ),
    ],
)
def test_a_configuration_error_is_one_usage_line(
    tmp_path: Path, setup: object, message: str
) -> None:
    path, environ = setup(tmp_path)  # type: ignore[operator]
    session = _session(path, environ)
    with pytest.raises(pytest.UsageError) as caught:
        session.validate()
    assert str(caught.value) == message.format(tmp=tmp_path)
    # The fixtures see the same error: nothing half-loaded is handed out.
    with pytest.raises(pytest.UsageError):
        session.target()


def test_the_production_guard_can_be_lifted_with_a_sandbox(tmp_path: Path) -> None:
    path = _target_file(tmp_path, "https://prod.platform.contraforce.com")
    session = _session(path, allow_production=True)
    session.validate()
    assert session.notices == [
        "WARNING: cf-conformance runs against a production-looking host "
        "(prod.platform.contraforce.com is a production platform host (first label 'prod')) "
        "because --cf-allow-production was given"
    ]


def test_lifting_the_production_guard_needs_a_sandbox(tmp_path: Path) -> None:
    path = _target_file(tmp_path, "https://portal.contraforce.com", sandbox=False)
    with pytest.raises(pytest.UsageError, match=r"needs a non-empty \[sandbox\]"):
        _session(path, allow_production=True).validate()


def test_the_plugin_names_every_run_profile() -> None:
    # The plugin module names them itself so that loading it does not load the run layer.
    assert tuple(PROFILES) == PROFILE_NAMES
    assert {"cf_target", "cf_client", "cf_sandbox", "cf_check"} == FIXTURES


@pytest.mark.socket
def test_without_a_target_file_the_embedded_reference_api_serves_the_session() -> None:
    session = _session(None, environ={})
    target = session.target()
    try:
        assert session.embedded
        assert target.name == "reference"
        assert target.base_url.startswith("http://127.0.0.1:")
        assert target.sandbox.writable
        assert target.sandbox.foreign
        assert target.no_scope is not None
        path, environ = session.target_file()
        assert path.read_text(encoding="utf-8").startswith('name = "reference"\n')
        assert environ["CF_WRITER_CLIENT_SECRET"] == target.writer.secret
        exchange = session.client().bulk_update({"items": [{"id": target.sandbox.writable[0].id}]})
        assert exchange.status == 200
        session.check()(exchange)
        assert session.started
        assert session.summary() == (
            f"cf-conformance: 1 request to the embedded reference API ({target.base_url}), "
            "1 write of a budget of 1500, 0 retried after 429"
        )
    finally:
        session.close()
    assert not path.exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(target.base_url, timeout=2)
