"""A refused credential is the set-up's fault: exit 2 before the probes, or a stopped run.

Against a conforming reference server, so that every finding would be wrongly charged.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.capture import Capture

from conformance.reference import ReferenceServer, write_target_file
from conformance.reference.app import reference_state
from conformance.reference.target_files import env_values
from conformance.run import phase_order
from conformance.run.credential_check import CredentialWatch
from conformance.run.credentials import Credential
from conformance.run.runner import RunOptions, execute

pytestmark = pytest.mark.socket

WRONG_SECRET = "mistyped-secret-value-0123"


def _setup(tmp_path: Path, server: ReferenceServer) -> tuple[Path, dict[str, str]]:
    target = tmp_path / "target.toml"
    write_target_file(target, server)
    return target, dict(env_values(server))


def _variable(environ: dict[str, str], value: str) -> str:
    [name] = [name for name, held in environ.items() if held == value]
    return name


def _run(target: Path, environ: dict[str, str], report: Path | None = None) -> tuple[int, str]:
    out = Capture()
    options = RunOptions(target=target, profile="smoke", seed=2, report_json=report)
    code = execute(options, out=out, environ=environ)
    return code, out.text


def _secrets_shown(text: str, *values: str) -> list[str]:
    encoded = [base64.b64encode(value.encode()).decode() for value in values]
    return [value for value in [*values, *encoded] if value in text]


@pytest.mark.parametrize("role", ["writer", "no_scope"])
def test_a_refused_credential_stops_the_run_before_any_probe(
    role: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped secret: exit 2, naming the credential, its variables and the fix, no
    finding and no probe (it used to end in C11 and C20 findings charged to the server)."""
    with ReferenceServer() as server:
        target, environ = _setup(tmp_path, server)
        account = getattr(server.credentials, role)
        secret_variable = _variable(environ, account.secret)
        id_variable = _variable(environ, account.client_id)
        environ[secret_variable] = WRONG_SECRET
        report = tmp_path / "report.json"
        code, out = _run(target, environ, report)
    err = capsys.readouterr().err
    assert code == 2, out + err
    assert err == (
        f"cf-conformance run: auth.{role}: the target refused this credential at preflight "
        "(HTTP 401 to an empty batch, a request that changes nothing) (check "
        f"{id_variable} and {secret_variable}: a mistyped secret, or one rotated since it was "
        "set, is the usual cause; export the current values and run again); no probe was sent\n"
    )
    assert "[probes]" not in out
    assert not report.exists()
    assert _secrets_shown(out + err, WRONG_SECRET, f"{account.client_id}:{WRONG_SECRET}") == []


def test_a_conforming_server_with_the_right_credentials_passes_the_preflight(
    tmp_path: Path,
) -> None:
    with ReferenceServer() as server:
        target, environ = _setup(tmp_path, server)
        code, out = _run(target, environ)
    assert code == 0, out


def _rotate_writer_secret_before(
    server: ReferenceServer, monkeypatch: pytest.MonkeyPatch, phase: str
) -> None:
    """The writer's secret is rotated on the server when ``phase`` starts (as a secret rotated
    during the night): the run's copy is now stale."""
    original: Callable[..., Any] = getattr(phase_order, phase)

    def rotated_first(*args: Any, **kwargs: Any) -> Any:
        state = reference_state(server.app)
        writer = dataclasses.replace(state.credentials.writer, secret="rotated-secret-4567")
        state.credentials = dataclasses.replace(state.credentials, writer=writer)
        return original(*args, **kwargs)

    monkeypatch.setattr(phase_order, phase, rotated_first)


def test_a_credential_refused_during_the_run_stops_it_with_a_partial_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ReferenceServer() as server:
        target, environ = _setup(tmp_path, server)
        writer = server.credentials.writer
        _rotate_writer_secret_before(server, monkeypatch, "run_properties")
        report_path = tmp_path / "report.json"
        code, out = _run(target, environ, report_path)
    report = json.loads(report_path.read_text())
    assert code == 2, out
    assert report["refused_credential"] == "auth.writer"
    assert report["aborted"].startswith(
        "auth.writer: the target refused this credential during the run (HTTP 401"
    )
    assert report["aborted"].endswith(
        "; the run stopped there, and the answers to it were not judged"
    )
    # Nothing the stale secret caused is charged to the server (it conforms).
    assert report["findings"] == []
    assert report["passed"] is False
    assert f"ABORTED (partial): {report['aborted']}" in out
    text = out + report_path.read_text()
    assert _secrets_shown(text, writer.secret, f"{writer.client_id}:{writer.secret}") == []


def test_probes_of_wrong_credentials_do_not_set_off_a_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The C12 probes send wrong credentials on purpose and get 401: the run goes on, and
    sends no more checks than the preflight's (one per configured credential)."""
    checked: list[str] = []
    original = CredentialWatch._refused

    def counted(watch: CredentialWatch, credential: Credential) -> bool:
        checked.append(credential.name)
        return original(watch, credential)

    monkeypatch.setattr(CredentialWatch, "_refused", counted)
    with ReferenceServer() as server:
        target, environ = _setup(tmp_path, server)
        report_path = tmp_path / "report.json"
        code, out = _run(target, environ, report_path)
    report = json.loads(report_path.read_text())
    assert (code, report["aborted"], report["refused_credential"]) == (0, None, None), out
    assert report["clauses"][11]["clause"] == "C12"
    assert report["clauses"][11]["checked"] > 0
    assert checked == ["auth.writer", "auth.no_scope", "auth.observer"]
