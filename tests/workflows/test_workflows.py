"""The CI workflows: valid for GitHub, wired to the staging target, and their scripts behave.

The shell and Python steps are run here for real (with stand-ins for ``nox`` and
``cf-conformance`` on PATH), so a typo in an exit-code branch fails a test, not a night.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NIGHTLY = ROOT / ".github" / "workflows" / "nightly-conformance.yml"
PRE_RELEASE = ROOT / ".github" / "workflows" / "pre-release.yml"
STAGING = ROOT / "targets" / "staging.toml"
STAGING_BASELINE = ROOT / "targets" / "staging-baseline.toml"
LIVE_SPEC_URL = "https://docs.contraforce.com/api-reference/openapi.json"
WORKFLOWS = [pytest.param(NIGHTLY, id="nightly"), pytest.param(PRE_RELEASE, id="pre-release")]
BASH = shutil.which("bash")
CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]
CHECK_JSONSCHEMA += ["--builtin-schema", "vendor.github-workflows"]


def _workflow(path: Path) -> dict[str, Any]:
    document: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the bare key `on` as the boolean true.
    document["on"] = document.pop(True)
    return document


def _steps(path: Path) -> list[dict[str, Any]]:
    (job,) = _workflow(path)["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _step(path: Path, name: str) -> dict[str, Any]:
    (step,) = [step for step in _steps(path) if step.get("name") == name]
    return step


def _staging_env_names() -> set[str]:
    target = tomllib.loads(STAGING.read_text(encoding="utf-8"))
    return {
        value
        for credential in target["auth"].values()
        for key, value in credential.items()
        if key.endswith("_env")
    }


@pytest.mark.parametrize("path", WORKFLOWS)
def test_workflow_validates_against_the_github_workflow_schema(path: Path) -> None:
    pytest.importorskip("check_jsonschema")
    result = subprocess.run(
        [*CHECK_JSONSCHEMA, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_nightly_runs_on_a_schedule_and_on_demand() -> None:
    triggers = _workflow(NIGHTLY)["on"]

    assert set(triggers) == {"schedule", "workflow_dispatch"}
    (schedule,) = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5


def test_pre_release_requires_a_base_url_input() -> None:
    triggers = _workflow(PRE_RELEASE)["on"]

    assert set(triggers) == {"workflow_dispatch"}
    base_url = triggers["workflow_dispatch"]["inputs"]["base_url"]
    assert (base_url["required"], base_url["type"]) == (True, "string")
    assert triggers["workflow_dispatch"]["inputs"]["spec_url"]["default"] == LIVE_SPEC_URL


@pytest.mark.parametrize("path", WORKFLOWS)
def test_setup_steps_check_out_and_install_nox_and_uv(path: Path) -> None:
    steps = _steps(path)

    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[1]["uses"].startswith("actions/setup-python@")
    assert steps[1]["with"]["python-version"] == "3.11"
    assert steps[2]["run"] == "python -m pip install nox uv ."


@pytest.mark.parametrize(
    ("path", "profile", "target"),
    [
        pytest.param(NIGHTLY, "nightly", "targets/staging.toml", id="nightly"),
        pytest.param(PRE_RELEASE, "release", "reports/release-candidate.toml", id="pre-release"),
    ],
)
def test_the_drift_check_comes_before_the_run_of_the_profile(
    path: Path, profile: str, target: str
) -> None:
    names = [step.get("name") for step in _steps(path)]
    run = _step(path, f"Conformance run ({profile} profile)")
    environment = {**_workflow(path).get("env", {}), **_only_job(path).get("env", {})}

    assert names.index("Spec drift check") < names.index(f"Conformance run ({profile} profile)")
    assert f"--profile {profile}" in run["run"]
    assert 'nox -s conformance -- \\\n  --target "$TARGET_FILE"' in run["run"]
    assert environment["TARGET_FILE"] == target


def _only_job(path: Path) -> dict[str, Any]:
    (job,) = _workflow(path)["jobs"].values()
    return dict(job)


def test_nightly_checks_drift_against_the_live_spec() -> None:
    assert _workflow(NIGHTLY)["env"]["SPEC_URL"] == LIVE_SPEC_URL
    assert _only_job(PRE_RELEASE)["env"]["SPEC_URL"] == "${{ inputs.spec_url }}"


@pytest.mark.parametrize("path", WORKFLOWS)
def test_secrets_reach_only_the_run_as_the_variables_the_target_names(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    mapped = dict(re.findall(r"^\s+(\w+): \$\{\{ secrets\.(\w+) \}\}$", text, re.MULTILINE))
    run_step = next(s for s in _steps(path) if s.get("id") == "conformance")

    assert text.count("secrets.") == len(mapped)
    assert all(variable == secret for variable, secret in mapped.items())
    assert set(mapped) == _staging_env_names()
    assert set(run_step["env"]) == _staging_env_names()


@pytest.mark.parametrize("path", WORKFLOWS)
def test_no_expression_is_spliced_into_a_script(path: Path) -> None:
    # Inputs reach scripts through env only: `${{ inputs.x }}` inside `run` is injectable.
    for step in _steps(path):
        assert "${{" not in step.get("run", ""), step.get("name")


def test_nightly_restores_and_always_saves_the_hypothesis_database() -> None:
    restore = _step(NIGHTLY, "Restore the Hypothesis database")
    save = _step(NIGHTLY, "Save the Hypothesis database")
    run = _step(NIGHTLY, "Conformance run (nightly profile)")

    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["path"] == save["with"]["path"] == ".hypothesis-db"
    assert restore["with"]["key"] == save["with"]["key"]
    assert "${{ github.run_id }}" in save["with"]["key"]
    assert restore["with"]["restore-keys"].strip() == "hypothesis-db-"
    assert save["if"].startswith("always()")
    assert "--hypothesis-db .hypothesis-db" in run["run"]


@pytest.mark.parametrize("path", WORKFLOWS)
def test_reports_are_always_uploaded(path: Path) -> None:
    upload = _step(path, "Upload the reports")
    run = next(s for s in _steps(path) if s.get("id") == "conformance")["run"]

    assert upload["uses"].startswith("actions/upload-artifact@")
    assert (upload["if"], upload["with"]["path"]) == ("always()", "reports/")
    for flag, report in [
        ("--junit-xml", "reports/junit.xml"),
        ("--report-json", "reports/conformance.json"),
        ("--report-md", "reports/conformance.md"),
    ]:
        assert f"{flag} {report}" in run


@pytest.mark.parametrize(
    ("path", "condition"),
    [
        pytest.param(
            NIGHTLY,
            "always() && (steps.drift.outputs.exit-code == '1' "
            "|| steps.drift.outputs.exit-code == '2')",
            id="nightly",
        ),
        pytest.param(
            PRE_RELEASE, "always() && steps.drift.outputs.exit-code != '0'", id="pre-release"
        ),
    ],
)
def test_the_drift_verdict_is_the_last_step(path: Path, condition: str) -> None:
    verdict = _steps(path)[-1]

    assert (verdict["name"], verdict["if"]) == ("Spec drift verdict", condition)
    assert verdict["run"].rstrip().endswith("exit 1")


# -- the scripts, run for real ----------------------------------------------------------------


def _stand_in(folder: Path, name: str, code: int) -> None:
    """An executable ``name`` that records its arguments and exits with ``code``."""
    script = folder / name
    script.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > "{folder}/{name}.args"\necho "{name} output"\n'
        f"exit {code}\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def _run_step(
    step: dict[str, Any], workdir: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    # GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`.
    assert BASH is not None
    script = workdir / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    return subprocess.run(
        [BASH, "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _github_env(tmp_path: Path, bin_dir: Path) -> dict[str, str]:
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "SPEC_URL": LIVE_SPEC_URL,
        "TARGET_FILE": "targets/staging.toml",
        "BASELINE_FILE": "targets/staging-baseline.toml",
        "PREVIOUS_REPORT": ".last-report/conformance.json",
    }


@pytest.mark.skipif(BASH is None, reason="needs bash, as GitHub's runners have")
@pytest.mark.parametrize(
    ("path", "code", "annotation"),
    [
        pytest.param(NIGHTLY, 0, "No breaking spec drift.", id="nightly-clean"),
        pytest.param(NIGHTLY, 1, "::error title=Spec drift (breaking)::", id="nightly-breaking"),
        pytest.param(NIGHTLY, 2, "::error title=Spec drift check failed::", id="nightly-usage"),
        pytest.param(
            NIGHTLY, 3, "::warning title=Spec drift not checked::", id="nightly-unreachable"
        ),
        pytest.param(
            PRE_RELEASE, 3, "::error title=Spec drift not checked::", id="release-unreachable"
        ),
    ],
)
def test_the_drift_step_records_the_exit_code_and_annotates(
    tmp_path: Path, path: Path, code: int, annotation: str
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stand_in(bin_dir, "cf-conformance", code)

    result = _run_step(_step(path, "Spec drift check"), tmp_path, _github_env(tmp_path, bin_dir))

    assert result.returncode == 0, result.stderr
    assert annotation in result.stdout
    assert (tmp_path / "output").read_text() == f"exit-code={code}\n"
    assert (bin_dir / "cf-conformance.args").read_text().split() == [
        "spec",
        "diff",
        LIVE_SPEC_URL,
    ]
    assert "cf-conformance output" in (tmp_path / "summary.md").read_text()
    assert (tmp_path / "reports" / "spec-diff.txt").read_text() == "cf-conformance output\n"


RUN_FLAGS = [
    "--junit-xml",
    "reports/junit.xml",
    "--report-json",
    "reports/conformance.json",
    "--report-md",
    "reports/conformance.md",
    "--hypothesis-db",
    ".hypothesis-db",
]


@pytest.mark.skipif(BASH is None, reason="needs bash, as GitHub's runners have")
@pytest.mark.parametrize(
    ("code", "annotation"),
    [
        pytest.param(0, "Staging conforms.", id="conforming"),
        pytest.param(1, "::error title=Non-conformance::", id="non-conformance"),
        pytest.param(2, "::error title=Conformance configuration error::", id="config"),
        pytest.param(3, "::error title=Staging unreachable::", id="unreachable"),
        pytest.param(4, "::error title=Run cut short::", id="cut-short"),
    ],
)
@pytest.mark.parametrize("previous", [True, False], ids=["with-last-night", "first-night"])
def test_the_run_step_passes_the_flags_and_fails_with_the_run(
    tmp_path: Path, code: int, annotation: str, previous: bool
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stand_in(bin_dir, "nox", code)
    if previous:
        (tmp_path / ".last-report").mkdir()
        (tmp_path / ".last-report" / "conformance.json").write_text("{}")
    step = _step(NIGHTLY, "Conformance run (nightly profile)")

    result = _run_step(step, tmp_path, _github_env(tmp_path, bin_dir))

    assert result.returncode == code
    assert annotation in result.stdout
    assert ("every finding counts as new" in result.stdout) is not previous
    assert (bin_dir / "nox.args").read_text().split() == [
        "-s",
        "conformance",
        "--",
        "--target",
        "targets/staging.toml",
        "--profile",
        "nightly",
        "--baseline",
        "targets/staging-baseline.toml",
        *(["--previous", ".last-report/conformance.json"] if previous else []),
        *RUN_FLAGS,
    ]


def test_nightly_keeps_each_completed_report_for_the_next_night() -> None:
    names = [step.get("name") for step in _steps(NIGHTLY)]
    restore = _step(NIGHTLY, "Restore last night's report")
    keep = _step(NIGHTLY, "Keep tonight's report for tomorrow")
    save = _step(NIGHTLY, "Save the report for tomorrow")
    environment = _workflow(NIGHTLY)["env"]

    assert environment["PREVIOUS_REPORT"] == ".last-report/conformance.json"
    assert environment["BASELINE_FILE"] == "targets/staging-baseline.toml"
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["path"] == save["with"]["path"] == ".last-report"
    assert restore["with"]["key"] == save["with"]["key"]
    assert "${{ github.run_id }}" in save["with"]["key"]
    assert restore["with"]["restore-keys"].strip() == "conformance-report-"
    assert keep["if"] == (
        "always() && (steps.conformance.outputs.exit-code == '0' "
        "|| steps.conformance.outputs.exit-code == '1')"
    )
    assert save["if"] == "always() && hashFiles('.last-report/conformance.json') != ''"
    run = names.index("Conformance run (nightly profile)")
    assert names.index("Restore last night's report") < run
    assert run < names.index("Keep tonight's report for tomorrow")
    assert names.index("Keep tonight's report for tomorrow") < names.index(
        "Save the report for tomorrow"
    )


@pytest.mark.skipif(BASH is None, reason="needs bash, as GitHub's runners have")
def test_keeping_the_report_copies_tonights_over_last_nights(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "conformance.json").write_text('{"night": 2}')
    (tmp_path / ".last-report").mkdir()
    (tmp_path / ".last-report" / "conformance.json").write_text('{"night": 1}')
    step = _step(NIGHTLY, "Keep tonight's report for tomorrow")

    result = _run_step(step, tmp_path, _github_env(tmp_path, tmp_path))

    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".last-report" / "conformance.json").read_text() == '{"night": 2}'


def test_the_staging_baseline_is_committed_and_empty() -> None:
    baseline = pytest.importorskip("conformance.triage")
    assert baseline.load_baseline(STAGING_BASELINE) == []


def _write_target(tmp_path: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "targets").mkdir()
    shutil.copyfile(STAGING, tmp_path / "targets" / "staging.toml")
    step = _step(PRE_RELEASE, "Write the release-candidate target")
    assert step["shell"] == "python"
    return subprocess.run(
        [sys.executable, "-c", step["run"]],
        cwd=tmp_path,
        env={**os.environ, "RC_BASE_URL": base_url, "TARGET_FILE": "reports/rc.toml"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_release_candidate_target_is_staging_with_the_input_base_url(tmp_path: Path) -> None:
    result = _write_target(tmp_path, " https://rc-42.staging.example.com/ ")

    assert result.returncode == 0, result.stdout + result.stderr
    written = tomllib.loads((tmp_path / "reports" / "rc.toml").read_text(encoding="utf-8"))
    staging = tomllib.loads(STAGING.read_text(encoding="utf-8"))
    assert written == {
        **staging,
        "name": "release-candidate",
        "base_url": "https://rc-42.staging.example.com/",
    }


@pytest.mark.parametrize(
    "base_url",
    [
        pytest.param('https://x.example.com"\n[auth.writer]\nscheme = "none', id="toml-injection"),
        pytest.param("https://x.example.com/$(id)'", id="quote"),
        pytest.param("ftp://x.example.com", id="not-http"),
        pytest.param("", id="empty"),
        pytest.param("https://", id="no-host"),
    ],
)
def test_a_bad_base_url_input_writes_no_target(tmp_path: Path, base_url: str) -> None:
    result = _write_target(tmp_path, base_url)

    assert result.returncode == 2
    assert result.stdout.startswith("::error title=Bad base_url input::")
    assert not (tmp_path / "reports" / "rc.toml").exists()


# -- the staging target -----------------------------------------------------------------------


def test_the_staging_target_names_the_documented_variables_and_holds_no_secret() -> None:
    target = tomllib.loads(STAGING.read_text(encoding="utf-8"))

    assert target["base_url"] == "https://staging.example.com"
    assert target["auth"] == {
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
    }
    assert len(target["sandbox"]["writable"]) >= 1
    assert len(target["sandbox"]["foreign"]) >= 1


def test_the_staging_target_loads_with_the_run_commands_loader() -> None:
    loader = pytest.importorskip("conformance.run.target")
    environ = {name: f"value-of-{name}" for name in _staging_env_names()}

    target = loader.load_target(STAGING, environ=environ)

    assert (target.name, target.base_url) == ("staging", "https://staging.example.com")
