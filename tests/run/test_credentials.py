import pytest

from conformance.run.credentials import Credential, Redactor


def test_basic_authorization() -> None:
    assert Credential("basic", "svc", "s3cret").authorization() == "Basic c3ZjOnMzY3JldA=="


def test_redactor_hides_secret_and_its_encodings() -> None:
    credential = Credential("basic", "svc", "s3cret-value")
    redactor = Redactor.for_credentials([credential])
    header = credential.authorization()
    assert redactor.text(f"sent {header} with s3cret-value") == (
        "sent Basic [REDACTED] with [REDACTED]"
    )


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param(
            {"Authorization": "Basic abcd"}, {"Authorization": "Basic [REDACTED]"}, id="basic"
        ),
        pytest.param({"authorization": "garbage"}, {"authorization": "[REDACTED]"}, id="no-scheme"),
        pytest.param({"Cookie": "a=b; c=d"}, {"Cookie": "[REDACTED]"}, id="cookie"),
        pytest.param(
            {"X-Echo": "token tok-99999"}, {"X-Echo": "token [REDACTED]"}, id="secret-in-other"
        ),
        pytest.param({"Accept": "*/*"}, {"Accept": "*/*"}, id="harmless"),
    ],
)
def test_redactor_headers(headers: dict[str, str], expected: dict[str, str]) -> None:
    assert Redactor(["tok-99999"]).headers(headers) == expected


def test_short_values_are_not_redacted_everywhere() -> None:
    assert Redactor(["ab"]).text("abc") == "abc"
