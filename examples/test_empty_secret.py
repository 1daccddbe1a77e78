"""Regression: HTTP Basic with the right client id and an empty secret was let in.

Missing, malformed or wrong credentials get 401 and a problem (C12); an empty secret is a
wrong one.
"""

import base64

import pytest


def test_an_empty_secret_is_refused_with_401(cf_target, cf_client, cf_sandbox, cf_check):
    if cf_target.writer.scheme != "basic":
        pytest.skip("the writer credential is not HTTP Basic")
    empty_secret = base64.b64encode(f"{cf_target.writer.client_id}:".encode()).decode()

    exchange = cf_client.bulk_update(
        {"items": [{"id": cf_sandbox.reserved_id()}]},
        authorization=f"Basic {empty_secret}",
        valid=True,
    )

    cf_check(exchange)
