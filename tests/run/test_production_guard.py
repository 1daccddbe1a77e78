"""The production guard: hosts that look like production are refused."""

import pytest

from conformance.run.guard import production_reason


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        pytest.param(
            "https://portal.contraforce.com",
            "portal.contraforce.com is the production portal",
            id="portal",
        ),
        pytest.param(
            "https://PROD.platform.contraforce.com/x",
            "prod.platform.contraforce.com is a production platform host (first label 'prod')",
            id="prod-platform",
        ),
        pytest.param(
            "https://prod-eu.platform.contraforce.com",
            "prod-eu.platform.contraforce.com is a production platform host "
            "(first label 'prod-eu')",
            id="prod-eu-platform",
        ),
        pytest.param("https://staging.platform.contraforce.com", None, id="staging-platform"),
        pytest.param("https://product.example.com", None, id="unrelated-prod-word"),
        pytest.param("http://127.0.0.1:8000", None, id="loopback"),
    ],
)
def test_production_reason(url: str, reason: str | None) -> None:
    assert production_reason(url) == reason


def test_production_hosts_setting() -> None:
    assert production_reason("https://api.acme.io", ["API.acme.io"]) == (
        "api.acme.io matches production_hosts entry 'API.acme.io'"
    )
    assert production_reason("https://eu.live.acme.io", ["*.live.acme.io"]) is not None
    assert production_reason("https://live.acme.io", ["*.live.acme.io"]) is None
