import json

import pytest

from conformance.run.guard import WriteDisciplineError, check_write_discipline, production_reason
from conformance.sandbox import Incident, Sandbox

SANDBOX = Sandbox(writable=(Incident("INC-1", "w1"),), foreign=(Incident("INC-9", "w3"),))
RESERVED = "cfct-3f2504e0-4f89-41d3-9a0c-0305e82c3301"


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


@pytest.mark.parametrize(
    "ids",
    [
        pytest.param(["INC-1", "INC-9", RESERVED], id="sandbox-and-reserved"),
        pytest.param([None, "", "  ", True, {"x": 1}], id="ids-that-name-nothing"),
        pytest.param([], id="empty"),
    ],
)
def test_write_discipline_allows(ids: list[object]) -> None:
    body = {"items": [{"id": i} for i in ids]}
    check_write_discipline(SANDBOX, json.dumps(body).encode())


@pytest.mark.parametrize(
    ("ids", "bad"),
    [
        pytest.param(["INC-1", "INC-2"], "'INC-2'", id="real-looking-id"),
        pytest.param([123], "123", id="number-a-server-could-coerce"),
        pytest.param(["cfct-not-a-uuid"], "'cfct-not-a-uuid'", id="fake-reserved"),
    ],
)
def test_write_discipline_refuses(ids: list[object], bad: str) -> None:
    body = json.dumps({"items": [{"id": i} for i in ids]}).encode()
    with pytest.raises(WriteDisciplineError, match=f"refusing to send id {bad}:"):
        check_write_discipline(SANDBOX, body)


@pytest.mark.parametrize(
    "content", [None, b"", b"not json", b"[1,2]", b'{"items": "INC-2"}', b"\xff\xfe"]
)
def test_write_discipline_ignores_bodies_without_ids(content: bytes | None) -> None:
    check_write_discipline(SANDBOX, content)
