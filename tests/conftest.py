import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from support.report_schema import report_errors, reports_under

# CI machines are shared and slow: no deadlines there, and a fixed derandomised run so that a
# red build reproduces. Locally the default profile keeps exploring new examples.
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


# Tests marked ``nightly`` run the suite's deepest profiles and take minutes: they are left
# out unless ``--nightly`` is given (``nox -s tests -- --nightly -m nightly`` runs only them).
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--nightly", action="store_true", help="also run the tests marked nightly")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--nightly"):
        return
    kept = [item for item in items if item.get_closest_marker("nightly") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def _json_reports_match_the_published_schema(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every JSON report a test writes into its ``tmp_path`` validates against
    docs/report.schema.json (in-process runs and ``cf-conformance`` subprocesses alike)."""
    # Asked for before the test runs, so that it is still there when the test is over.
    directory: Path | None = (
        request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    )
    yield
    if directory is None:
        return

    for path, document in reports_under(directory):
        errors = report_errors(document)
        if errors:
            pytest.fail(
                f"{path} breaks docs/report.schema.json:\n" + "\n".join(errors[:20]),
                pytrace=False,
            )
