"""The read-back keys of the target file: a full configuration, and one test per bad one."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.cli import main
from conformance.run.target import ConfigError, load_target
from conformance.sandbox import Incident, User

ENV = {"WID": "writer-id", "WSECRET": "writer-secret-value", "OID": "obs", "OSECRET": "obs-secret"}
BASE = """
base_url = "https://staging.example.com"
[auth.writer]
client_id_env = "WID"
client_secret_env = "WSECRET"
"""
OBSERVER = """
[auth.observer]
client_id_env = "OID"
client_secret_env = "OSECRET"
"""
SANDBOX = """
[sandbox]
writable = [ { id = "INC-1", workspace = "w1", source = "Sentinel" } ]
foreign = [ { id = "INC-2", workspace = "w2", source = "QRadar" } ]
users = [ { id = "u-1", email = "analyst@example.com", displayName = "Analyst" } ]
"""
READBACK = """
[readback]
path = "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"
incident = "$.data.incident"
credential = "writer"
observer = "observer"
deadline_seconds = 15

[readback.fields]
status = "$.status"
classification = "$.classification"
classificationReason = "$.classificationReason"
assignee = "$.owner.id"

[readback.comments]
path = "/api/v2/workspaces/{workspace}/incidents/{source}/{id}/comments"
messages = "$.data[*].message"
"""
FULL = BASE + OBSERVER + SANDBOX + READBACK


def test_a_full_readback_configuration(tmp_path: Path) -> None:
    target = load_target(_write(tmp_path, FULL), ENV)
    config = target.readback
    assert config is not None
    assert config.path == "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"
    assert config.incident.find({"data": {"incident": {"status": "New"}}}) == [{"status": "New"}]
    assert sorted(config.fields) == [
        "assignee",
        "classification",
        "classificationReason",
        "status",
    ]
    assert not config.fields["assignee"].reads_email
    assert (config.credential, config.observer, config.deadline_seconds) == (
        "writer",
        "observer",
        15.0,
    )
    assert config.comments is not None
    assert config.comments.messages.find({"data": [{"message": "a"}, {"message": "b"}]}) == [
        "a",
        "b",
    ]
    assert target.sandbox.writable == (Incident("INC-1", "w1", "Sentinel"),)
    assert target.sandbox.users == (User("u-1", "analyst@example.com", "Analyst"),)
    assert target.observer is not None
    assert target.observer.client_id == "obs"
    assert target.credential("observer") is target.observer
    assert target.read_paths == (config.path, config.comments.path)
    assert "obs-secret" in target.credentials[-1].secret_values()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "target.toml"
    path.write_text(text)
    return path


def test_defaults_and_an_email_assignee(tmp_path: Path) -> None:
    text = (
        BASE
        + SANDBOX
        + '[readback]\npath = "/i/{id}"\n[readback.fields]\nassignee = "$.owner.mail"\n'
    )
    target = load_target(_write(tmp_path, text), ENV)
    config = target.readback
    assert config is not None
    assert (config.incident.text, config.credential, config.observer) == ("$", "writer", None)
    assert config.deadline_seconds == 15.0
    assert config.comments is None
    assert config.fields["assignee"].reads_email


def test_without_readback_there_is_no_read_path(tmp_path: Path) -> None:
    target = load_target(_write(tmp_path, BASE + SANDBOX), ENV)
    assert target.readback is None
    assert target.read_paths == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            (', source = "Sentinel"', ""),
            "sandbox.writable[0].source: missing: readback.path needs each incident's {source} "
            "(add source = \"...\" (e.g. \"Sentinel\") to incident 'INC-1')",
            id="missing-source",
        ),
        pytest.param(
            ("deadline_seconds = 15", "deadline_seconds = 15\ncolour = 1"),
            "readback.colour: unknown key (remove it; allowed: comments, credential, "
            "deadline_seconds, fields, incident, observer, path)",
            id="unknown-readback-key",
        ),
        pytest.param(
            ('status = "$.status"', 'state = "$.status"'),
            "readback.fields.state: unknown key (remove it; did you mean 'status'?)",
            id="unknown-field",
        ),
        pytest.param(
            ('messages = "$.data[*].message"', 'messages = "$.data[*].message"\nmessage = "x"'),
            "readback.comments.message: unknown key (remove it; did you mean 'messages'?)",
            id="unknown-comments-key",
        ),
        pytest.param(
            ('displayName = "Analyst"', 'name = "Analyst"'),
            "sandbox.users[0].name: unknown key",
            id="unknown-user-key",
        ),
        pytest.param(
            ('{ id = "u-1", ', "{ "),
            "sandbox.users[0].id: must be a non-empty string, got None",
            id="user-without-id",
        ),
        pytest.param(
            ('path = "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"\nincident',
             'path = "/api/v2/workspaces/{workspace}/incidents/{tenant}/{id}"\nincident'),
            "readback.path: unknown placeholder {tenant} (use only {workspace}, {source} and {id})",
            id="unknown-placeholder",
        ),
        pytest.param(
            ('path = "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"\nincident',
             'path = "/api/v2/workspaces/{workspace}/incidents/{source}/{id"\nincident'),
            "readback.path: not a path template:",
            id="broken-template",
        ),
        pytest.param(
            ('path = "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"\nincident',
             'path = "/api/v2/workspaces/{workspace}/incidents"\nincident'),
            "readback.path: does not name the incident ({id})",
            id="path-without-id",
        ),
        pytest.param(
            ('path = "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"\nincident',
             'path = "https://elsewhere.example.com/{id}"\nincident'),
            "readback.path: must be a path from base_url, got 'https://elsewhere.example.com/{id}'",
            id="absolute-url",
        ),
        pytest.param(
            ('path = "/api/v2/workspaces/{workspace}/incidents/{source}/{id}"\nincident',
             'path = ""\nincident'),
            "readback.path: must be a non-empty string, got ''",
            id="empty-path",
        ),
        pytest.param(
            ('incident = "$.data.incident"', 'incident = "$.data[?"'),
            "readback.incident: not a JSONPath:",
            id="incident-not-a-jsonpath",
        ),
        pytest.param(
            ('status = "$.status"', 'status = 3'),
            "readback.fields.status: must be a non-empty string, got 3",
            id="field-not-a-string",
        ),
        pytest.param(
            ('messages = "$.data[*].message"', 'messages = "$.data[*"'),
            "readback.comments.messages: not a JSONPath:",
            id="messages-not-a-jsonpath",
        ),
        pytest.param(
            ('credential = "writer"', 'credential = "reader"'),
            "readback.credential: names no credential: there is no [auth.reader] table "
            "(name one of: observer, writer, or add [auth.reader])",
            id="credential-without-table",
        ),
        pytest.param(
            ('observer = "observer"', 'observer = "no_scope"'),
            "readback.observer: names no credential: there is no [auth.no_scope] table",
            id="observer-without-table",
        ),
        pytest.param(
            ("deadline_seconds = 15", "deadline_seconds = 0"),
            "readback.deadline_seconds: must be a number of seconds between 0.1 and 600, got 0 "
            "(set deadline_seconds = 15",
            id="deadline-too-short",
        ),
        pytest.param(
            ("deadline_seconds = 15", "deadline_seconds = 3600"),
            "readback.deadline_seconds: must be a number of seconds between 0.1 and 600, got 3600",
            id="deadline-too-long",
        ),
        pytest.param(
            ("deadline_seconds = 15", 'deadline_seconds = "15"'),
            "readback.deadline_seconds: must be a number of seconds between 0.1 and 600, got '15'",
            id="deadline-not-a-number",
        ),
        pytest.param(
            ("[readback.fields]", "[readback.other]"),
            "readback.other: unknown key",
            id="unknown-subtable",
        ),
        pytest.param(
            ("[readback.comments]\npath", "[readback.comments.extra]\npath"),
            "readback.comments.extra: unknown key (remove it; allowed: messages, path)",
            id="comments-nested-table",
        ),
        pytest.param(
            ('client_id_env = "OID"', 'client_id_env = "NOPE"'),
            "auth.observer.client_id_env: environment variable NOPE is not set "
            "(export NOPE=... before the run)",
            id="observer-env-missing",
        ),
    ],
)  # fmt: skip
def test_bad_readback_configurations_name_the_key_and_the_fix(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in FULL, old
    path = _write(tmp_path, FULL.replace(old, new, 1))
    with pytest.raises(ConfigError) as excinfo:
        load_target(path, ENV)
    assert f"{path}: {message}" in str(excinfo.value)


def test_no_field_and_no_comments_is_nothing_to_read_back(tmp_path: Path) -> None:
    text = BASE + SANDBOX + '[readback]\npath = "/i/{workspace}/{id}"\n'
    with pytest.raises(ConfigError, match=r"readback.fields: no field to read back \(list"):
        load_target(_write(tmp_path, text), ENV)


def test_comments_must_be_a_table(tmp_path: Path) -> None:
    text = BASE + SANDBOX + '[readback]\npath = "/i/{id}"\ncomments = "yes"\n'
    with pytest.raises(ConfigError, match=r"readback.comments: must be a table"):
        load_target(_write(tmp_path, text), ENV)


def test_a_path_without_source_needs_none(tmp_path: Path) -> None:
    text = BASE + '[sandbox]\nwritable = [{ id = "I", workspace = "w" }]\n'
    text += '[readback]\npath = "/w/{workspace}/i/{id}"\n[readback.fields]\nstatus = "$.s"\n'
    assert load_target(_write(tmp_path, text), ENV).readback is not None


def test_the_command_line_exits_2_naming_the_missing_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    path = _write(tmp_path, FULL.replace(', source = "QRadar"', ""))
    assert main(["run", "--target", str(path), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "sandbox.foreign[0].source: missing: readback.path needs each incident's {source}" in err
    assert "obs-secret" not in err
