"""HTTP Basic headers: built and read in one place."""

from __future__ import annotations

import pytest

from conformance.basic_auth import basic_authorization, parse_basic


def test_a_built_header_reads_back() -> None:
    header = basic_authorization("svc:one", "s3cret:with:colons")
    assert header == "Basic c3ZjOm9uZTpzM2NyZXQ6d2l0aDpjb2xvbnM="
    scheme, _, parameter = header.partition(" ")
    # The first colon separates: a client id cannot hold one (RFC 7617).
    assert (scheme, parse_basic(parameter)) == ("Basic", ("svc", "one:s3cret:with:colons"))


@pytest.mark.parametrize(
    ("parameter", "problem"),
    [
        pytest.param("%%%", "are not valid base64 of UTF-8 text", id="not-base64"),
        pytest.param("//79", "are not valid base64 of UTF-8 text", id="not-utf8"),
        pytest.param("c3Zj", "must have the form clientId:clientSecret", id="no-colon"),
    ],
)
def test_unreadable_credentials_say_why_without_quoting_them(parameter: str, problem: str) -> None:
    with pytest.raises(ValueError, match=f"^{problem}$") as excinfo:
        parse_basic(parameter)
    assert parameter not in str(excinfo.value)
