"""Regression: HTTP Basic with the right client id and an empty secret was let in.

Missing, malformed or wrong credentials get 401 and a problem (C12); an empty secret is a
wrong one.
"""

import pytest

from conformance.basic_auth import basic_authorization


def test_an_empty_secret_is_refused_with_401(cf_target, cf_client, cf_sandbox, cf_check):
    if cf_target.writer.scheme != "basic":
        pytest.skip("the writer credential is not HTTP Basic")

    exchange = cf_client.bulk_update(
        {"items": [{"id": cf_sandbox.reserved_id()}]},
        authorization=basic_authorization(cf_target.writer.client_id, ""),
        valid=True,
    )

    cf_check(exchange)
