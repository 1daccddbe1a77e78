"""Target and env files: the TOML shape the runner reads, and secrets only in the env file."""

from __future__ import annotations

import stat
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from support.reference_requests import W1, W3

from conformance.reference import (
    Credentials,
    EnvNames,
    env_values,
    generate_credentials,
    target_file_text,
    write_env_file,
    write_target_file,
)
from conformance.sandbox import Incident, Sandbox

READ_PATH = "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"


@dataclass
class FakeServer:
    base_url: str
    sandbox: Sandbox
    credentials: Credentials
    max_items: int = 100
    apply_delay: float = 0.3
    users: tuple[dict[str, str], ...] = (
        {"id": "u-1", "email": "Analyst@Example.com", "displayName": "Analyst"},
    )


def server() -> FakeServer:
    sandbox = Sandbox(
        writable=(Incident("INC-1001", W1, "Sentinel"),), foreign=(Incident("INC-3001", W3),)
    )
    return FakeServer("http://127.0.0.1:8123", sandbox, generate_credentials(), max_items=7)


def _readback(fake: FakeServer) -> dict[str, Any]:
    readback: dict[str, Any] = {
        "path": READ_PATH,
        "incident": "$.data",
        "credential": "writer",
        "observer": "observer",
        "deadline_seconds": 5,
        "fields": {
            "status": "$.status",
            "classification": "$.classification",
            "classificationReason": "$.classificationReason",
            "assignee": "$.assignee.id",
        },
    }
    readback["comments"] = {"path": READ_PATH + "/comments", "messages": "$.data[*].message"}
    return readback


def test_target_file_has_the_runner_shape(tmp_path: Path) -> None:
    fake = server()
    path = write_target_file(tmp_path / "target.toml", fake)
    parsed = tomllib.loads(path.read_text())
    assert parsed == {
        "name": "reference",
        "base_url": "http://127.0.0.1:8123",
        "auth": {
            "writer": {
                "scheme": "basic",
                "client_id_env": "CF_WRITER_CLIENT_ID",
                "client_secret_env": "CF_WRITER_CLIENT_SECRET",
            },
            "no_scope": {
                "scheme": "basic",
                "client_id_env": "CF_NO_SCOPE_CLIENT_ID",
                "client_secret_env": "CF_NO_SCOPE_CLIENT_SECRET",
            },
            "observer": {
                "scheme": "basic",
                "client_id_env": "CF_OBSERVER_CLIENT_ID",
                "client_secret_env": "CF_OBSERVER_CLIENT_SECRET",
            },
        },
        "sandbox": {
            "writable": [{"id": "INC-1001", "workspace": W1, "source": "Sentinel"}],
            "foreign": [{"id": "INC-3001", "workspace": W3}],
            "users": [{"id": "u-1", "email": "Analyst@Example.com", "displayName": "Analyst"}],
        },
        "limits": {"max_items": 7},
        "readback": _readback(fake),
    }


def test_target_file_never_holds_a_secret_or_client_id() -> None:
    fake = server()
    text = target_file_text(fake)
    for account in fake.credentials.accounts:
        assert account.secret not in text
        assert account.token not in text
        assert account.client_id not in text


@pytest.mark.parametrize(
    ("apply_delay", "deadline"),
    [pytest.param(0.0, 4, id="at-once"), pytest.param(0.3, 5, id="default"), (2.5, 7), (10, 14)],
)
def test_the_readback_deadline_leaves_room_beyond_the_apply_delay(
    apply_delay: float, deadline: int
) -> None:
    fake = replace(server(), apply_delay=apply_delay)
    parsed = tomllib.loads(target_file_text(fake))
    assert parsed["readback"]["deadline_seconds"] == deadline


def test_env_names_are_configurable() -> None:
    fake = server()
    names = EnvNames("A_ID", "A_SECRET", "B_ID", "B_SECRET", "C_ID", "C_SECRET")
    parsed = tomllib.loads(target_file_text(fake, names))
    assert parsed["auth"]["writer"]["client_secret_env"] == "A_SECRET"
    assert parsed["auth"]["no_scope"]["client_id_env"] == "B_ID"
    expected = {
        "A_ID": fake.credentials.writer.client_id,
        "A_SECRET": fake.credentials.writer.secret,
        "B_ID": fake.credentials.no_scope.client_id,
        "B_SECRET": fake.credentials.no_scope.secret,
    }
    observer = fake.credentials.observer
    assert parsed["auth"]["observer"]["client_secret_env"] == "C_SECRET"
    expected |= {"C_ID": observer.client_id, "C_SECRET": observer.secret}
    assert env_values(fake, names) == expected


def test_env_file_is_dotenv_and_private(tmp_path: Path) -> None:
    fake = server()
    path = tmp_path / "reference.env"
    path.write_text("old\n")
    path.chmod(0o644)
    write_env_file(path, fake)
    lines = path.read_text().splitlines()
    observer = fake.credentials.observer
    assert lines == [
        f"CF_WRITER_CLIENT_ID={fake.credentials.writer.client_id}",
        f"CF_WRITER_CLIENT_SECRET={fake.credentials.writer.secret}",
        f"CF_NO_SCOPE_CLIENT_ID={fake.credentials.no_scope.client_id}",
        f"CF_NO_SCOPE_CLIENT_SECRET={fake.credentials.no_scope.secret}",
        f"CF_OBSERVER_CLIENT_ID={observer.client_id}",
        f"CF_OBSERVER_CLIENT_SECRET={observer.secret}",
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_empty_sandbox_lists_are_valid_toml() -> None:
    fake = server()
    fake.sandbox = Sandbox()
    fake.users = ()
    assert tomllib.loads(target_file_text(fake))["sandbox"] == {
        "writable": [],
        "foreign": [],
        "users": [],
    }
