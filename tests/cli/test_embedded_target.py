"""The embedded reference is read through its own target file, read-back keys included."""

from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass, field

import pytest

from conformance.cli.embedded import embedded_reference
from conformance.reference import Credentials, generate_credentials
from conformance.reference.target_files import env_values, target_file_text
from conformance.run.target import parse_target
from conformance.sandbox import Incident, Sandbox, User


@dataclass
class ServerWithUsers:
    base_url: str
    sandbox: Sandbox
    credentials: Credentials
    max_items: int = 100
    apply_delay: float = 0.3
    users: tuple[dict[str, str], ...] = field(default_factory=tuple)


@pytest.mark.socket
def test_the_embedded_target_reads_back_every_sandbox_incident() -> None:
    with embedded_reference()(io.StringIO()) as target:
        config = target.readback
        assert config is not None
        assert config.path == "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"
        assert config.incident.text == "$.data"
        assert set(config.fields) == {
            "status",
            "classification",
            "classificationReason",
            "assignee",
        }
        every = (*target.sandbox.writable, *target.sandbox.foreign)
        assert every
        assert all(incident.source for incident in every)


def test_users_of_the_server_become_the_sandbox_users() -> None:
    server = ServerWithUsers(
        "http://127.0.0.1:8123",
        Sandbox(writable=(Incident("INC-1", "w1", "Sentinel"),)),
        generate_credentials(),
        users=({"id": "u-1", "email": "one@example.com", "displayName": "One"},),
    )
    text = target_file_text(server)
    assert tomllib.loads(text)["sandbox"]["users"] == [
        {"id": "u-1", "email": "one@example.com", "displayName": "One"}
    ]
    target = parse_target(tomllib.loads(text), source="reference", environ=env_values(server))
    assert target.sandbox.users == (User("u-1", "one@example.com", "One"),)
    assert target.readback is not None
