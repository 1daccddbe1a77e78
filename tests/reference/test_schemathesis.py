"""Plain schemathesis against the reference API finds nothing (issue "Embedded reference API").

This runs the ``st`` command line, as a user would, against a ``ReferenceServer`` on
127.0.0.1, with fewer examples than the acceptance run to stay fast. The full-size commands:

    st run spec/openapi.yaml --url URL -H "Authorization: Basic …" --checks all \
        --exclude-checks positive_data_acceptance -n 300
    st run spec/openapi.yaml --url URL -H "Authorization: Basic …" --mode negative \
        --checks not_a_server_error -n 1000

The one excluded check is ``positive_data_acceptance``: it flags the vendored spec's defect
S1, not the server. The vendored schema types ``UpdateIncidentRequest.id`` as
``null | string``, so schemathesis calls ``{"id": null}`` valid and expects a 2xx. The
corrections make a null id negative data that must get 400 (docs/contract.md, S1), and that is
what the server answers. (S2, the optional body, needs no exclusion: a bodiless POST gets 200.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.reference_requests import auth_of

from conformance.openapi import vendored_spec_path
from conformance.reference import ReferenceServer

pytestmark = [pytest.mark.socket, pytest.mark.slow]

ST = Path(sys.executable).with_name("st")


def st_run(
    server: ReferenceServer, tmp_path: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    authorization = auth_of(server.credentials.writer)["Authorization"]
    # Plain schemathesis: none of the suite's hooks, no config file from the checkout.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMATHESIS_")}
    env["NO_COLOR"] = "1"
    command = [
        str(ST),
        "run",
        str(vendored_spec_path()),
        "--url",
        server.base_url,
        "-H",
        f"Authorization: {authorization}",
        "--seed",
        "20260415",
        *options,
    ]
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as running:
        yield running


def test_all_checks_find_nothing(server: ReferenceServer, tmp_path: Path) -> None:
    result = st_run(
        server,
        tmp_path,
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "-n",
        "40",
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "No issues found" in result.stdout


def test_negative_fuzzing_gets_no_server_error(server: ReferenceServer, tmp_path: Path) -> None:
    result = st_run(
        server, tmp_path, "--mode", "negative", "--checks", "not_a_server_error", "-n", "80"
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "No issues found" in result.stdout


def test_the_excluded_check_flags_only_the_null_id_of_s1(
    server: ReferenceServer, tmp_path: Path
) -> None:
    """Proves the exclusion is needed, and that what it flags is S1's null id."""
    result = st_run(server, tmp_path, "--checks", "positive_data_acceptance", "-n", "40")
    assert result.returncode == 1
    assert "Schema-valid request rejected" in result.stdout
    assert '"items[0].id":["must be of type string"]' in result.stdout
