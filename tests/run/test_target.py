from pathlib import Path

import pytest

from conformance.run.target import ConfigError, load_target
from conformance.sandbox import Incident

ENV = {"WID": "writer-id", "WSECRET": "writer-secret-value", "TOKEN": "tok-123456"}
MINIMAL = """
base_url = "https://staging.example.com/"
[auth.writer]
scheme = "basic"
client_id_env = "WID"
client_secret_env = "WSECRET"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "target.toml"
    path.write_text(text)
    return path


def test_minimal_target(tmp_path: Path) -> None:
    target = load_target(_write(tmp_path, MINIMAL), ENV)
    assert target.name == "target"
    assert target.base_url == "https://staging.example.com"
    assert target.writer.client_id == "writer-id"
    assert target.no_scope is None
    assert target.sandbox.writable == ()
    assert target.limits.requests_per_second is None
    assert target.flaky == "fail"


def test_full_target(tmp_path: Path) -> None:
    text = (
        'name = "staging"\nproduction_hosts = ["*.prod.example.com"]\n'
        + MINIMAL
        + """
[auth.no_scope]
scheme = "bearer"
token_env = "TOKEN"
[sandbox]
writable = [ { id = "INC-1", workspace = "w1" } ]
foreign = [ { id = "INC-2", workspace = "w3" } ]
[limits]
requests_per_second = 5
max_items = 50
max_run_seconds = 900
[checks]
relax = ["c17"]
problem_codes = { RATE_LIMITED = 429 }
flaky = "warn"
"""
    )
    target = load_target(_write(tmp_path, text), ENV)
    assert target.name == "staging"
    assert target.no_scope is not None
    assert target.no_scope.authorization() == "Bearer tok-123456"
    assert target.sandbox.writable == (Incident("INC-1", "w1"),)
    assert target.sandbox.foreign == (Incident("INC-2", "w3"),)
    assert target.limits.requests_per_second == 5.0
    assert target.limits.max_items == 50
    assert target.limits.max_run_seconds == 900.0
    assert target.relax == frozenset({"C17"})
    assert target.problem_codes == {"RATE_LIMITED": 429}
    assert target.production_hosts == ("*.prod.example.com",)
    assert target.flaky == "warn"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            MINIMAL.replace('base_url = "https://staging.example.com/"', ""),
            'base_url: missing (set base_url = "https://staging.example.com" (scheme and host, '
            "no path needed))",
            id="missing-base-url",
        ),
        pytest.param(
            MINIMAL.replace("https://staging.example.com/", "staging.example.com"),
            "base_url: not an http(s) URL: 'staging.example.com'",
            id="base-url-without-scheme",
        ),
        pytest.param(
            MINIMAL.replace('"https://staging.example.com/"', "42"),
            "base_url: must be a string, got int",
            id="base-url-wrong-type",
        ),
        pytest.param(
            "base_ulr = 1\n" + MINIMAL,
            "base_ulr: unknown key (remove it; did you mean 'base_url'?)",
            id="unknown-top-level-key",
        ),
        pytest.param(
            MINIMAL.replace('scheme = "basic"', 'scheme = "digest"'),
            'auth.writer.scheme: unknown scheme \'digest\' (use "basic" or "bearer")',
            id="unknown-scheme",
        ),
        pytest.param(
            MINIMAL.replace("WSECRET", "NOT_SET"),
            "auth.writer.client_secret_env: environment variable NOT_SET is not set "
            "(export NOT_SET=... before the run)",
            id="missing-env-var",
        ),
        pytest.param(
            'base_url = "https://s.example.com"\n',
            "auth: missing table (add a [auth] table)",
            id="no-auth",
        ),
        pytest.param(
            MINIMAL + "[sandbox]\nwritable = [{ id = 'I', wrkspace = 'w' }]\n",
            "sandbox.writable[0].wrkspace: unknown key (remove it; did you mean 'workspace'?)",
            id="typo-in-sandbox-entry",
        ),
        pytest.param(
            MINIMAL + "[sandbox]\nwritable = [{ id = 'I', workspace = 'w' }]\n"
            "foreign = [{ id = 'I', workspace = 'w' }]\n",
            "sandbox: ids listed as both writable and foreign: ['I'] (list each id once)",
            id="id-both-writable-and-foreign",
        ),
        pytest.param(
            MINIMAL + "[limits]\nrequests_per_second = 'fast'\n",
            "limits.requests_per_second: must be a float, got 'fast' (use a number >= 0.01)",
            id="limit-wrong-type",
        ),
        pytest.param(
            MINIMAL + "[limits]\nmax_429_share = 2\n",
            "limits.max_429_share: must be between 0.0 and 1.0, got 2",
            id="limit-out-of-range",
        ),
        pytest.param(
            MINIMAL + "[limits]\nmax_run_seconds = 0\n",
            "limits.max_run_seconds: must be >= 1.0, got 0 (use a number >= 1.0)",
            id="run-budget-below-one-second",
        ),
        pytest.param(
            MINIMAL + "[checks]\nproblem_codes = { X = 200 }\n",
            "checks.problem_codes.X: must be an HTTP error status, got 200",
            id="problem-code-not-an-error",
        ),
        pytest.param(
            MINIMAL + '[checks]\nflaky = "ignore"\n',
            'checks.flaky: must be "fail" or "warn", got \'ignore\' (set flaky = "warn" to report '
            "flaky findings without failing the run)",
            id="flaky-policy-unknown",
        ),
        pytest.param("base_url = ", "not valid TOML", id="broken-toml"),
    ],
)
def test_config_errors_name_the_key_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as excinfo:
        load_target(path, ENV)
    assert str(excinfo.value).startswith(f"{path}: ")
    assert message in str(excinfo.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_target(tmp_path / "absent.toml", ENV)


def test_secret_never_in_repr(tmp_path: Path) -> None:
    target = load_target(_write(tmp_path, MINIMAL), ENV)
    assert "writer-secret-value" not in repr(target)
    assert "writer-secret-value" not in str(target)
