import os
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "specs"


def test_vendored_spec_is_valid_and_names_each_defect(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "check"]) == 0
    out = capsys.readouterr().out
    assert "valid: OpenAPI 3.1.1" in out
    for defect, pointer in [
        ("S1", "/components/schemas/UpdateIncidentRequest/properties/id"),
        ("S2", "/paths/~1api~1v2~1incidents~1across-workspaces~1bulk-update/post/requestBody"),
        ("S3", "/components/securitySchemes"),
        ("S4", "/servers"),
        ("S8", "/components/schemas/BulkUpdateIncidentsRequest/properties/items"),
    ]:
        assert any(
            line.split()[0] == defect and line.split()[-1] == pointer
            for line in out.splitlines()
            if line.strip()
        ), f"{defect} {pointer} not reported"


def test_clean_spec_reports_no_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "check", "--spec", str(FIXTURES / "clean.yaml")]) == 0
    assert "0 finding(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        pytest.param(
            "invalid.yaml",
            "error  $.paths['/things'].post.responses['200'].content: 5 is not of type 'object'",
            id="schema-violation",
        ),
        pytest.param("not-openapi.yaml", "does not hold an OpenAPI document", id="not-a-map"),
        pytest.param("unparseable.yaml", "is not valid YAML or JSON", id="unparseable"),
    ],
)
def test_invalid_spec_exits_1(
    fixture: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["spec", "check", "--spec", str(FIXTURES / fixture)]) == 1
    captured = capsys.readouterr()
    assert expected in captured.out + captured.err


def test_missing_spec_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["spec", "check", "--spec", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(["spec", "frobnicate"])
    assert excinfo.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_runs_from_any_directory(tmp_path: Path) -> None:
    # The installed console script must find the vendored spec without a checkout nearby.
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "spec", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 0, result.stderr
    assert "[S1]" not in result.stdout  # the table prints ids bare
    assert "S1  required-nullable" in result.stdout
